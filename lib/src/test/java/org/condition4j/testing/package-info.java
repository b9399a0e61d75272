/** What the tests share beyond one package: the switch that trains their networks from other random starts. */
package org.condition4j.testing;
