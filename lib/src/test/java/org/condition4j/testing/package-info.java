/**
 * What the tests share beyond one package: the switch that trains their networks from other random
 * starts ({@link org.condition4j.testing.TestSeed}), the accuracy floor derived from the number of
 * images ({@link org.condition4j.testing.Chance}), and the check of an int8 file against the network
 * it was exported from that holds for any weights ({@link org.condition4j.testing.Int8Bounds}).
 */
package org.condition4j.testing;
