/**
 * The seed CNN, training with progress and history, and saving and loading networks. Every
 * technique trains through {@link org.condition4j.model.Training}.
 */
package org.condition4j.model;
