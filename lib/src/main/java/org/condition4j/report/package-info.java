/**
 * Everything that draws: Tablesaw tables (HTML in notebooks) and XChart charts (PNG). The only
 * core package that imports Tablesaw or XChart; domain packages return plain records.
 */
package org.condition4j.report;
