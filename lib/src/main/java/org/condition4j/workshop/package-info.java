/**
 * What only the notebooks need: the project's folders and tools, run parameters from the
 * environment, the baseline, the metrics JSON beside each model, the all-models NPU overview and
 * the "compile for Ethos-U and record" step. The top of the dependency graph; nothing in the
 * core depends on it.
 */
package org.condition4j.workshop;
