/**
 * What only the notebooks need: the project's folders and tools, run parameters from the
 * environment, the baseline, the metrics JSON beside each model, the all-models NPU overview, the
 * "compile for Ethos-U and record" step, the model cards with golden vectors ({@link
 * org.condition4j.workshop.ModelCards}) and the plausibility verdicts of the "try it" cells
 * ({@link org.condition4j.workshop.Exercises}). The top of the dependency graph; nothing in the
 * core depends on it.
 */
package org.condition4j.workshop;
