/**
 * Glue for the notebooks: what a notebook cell would otherwise repeat. {@link
 * org.condition4j.workshop.ModelCard} is the record of one conditioned model (how it was made,
 * what it measured, golden vectors to replay on a device), written by {@link
 * org.condition4j.workshop.ModelCards}; {@link org.condition4j.workshop.Exercises} tells a
 * participant whether the result of a "try it" cell is plausible.
 */
package org.condition4j.workshop;
