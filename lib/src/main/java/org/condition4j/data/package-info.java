/**
 * MNIST through Deeplearning4j's own iterator, from a folder of the four original IDX files
 * (SHA-256 checked). Knows no project folder: the caller says where the files are.
 */
package org.condition4j.data;
