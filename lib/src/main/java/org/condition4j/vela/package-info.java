/**
 * The Vela compiler for Arm Ethos-U NPUs: runs a given Vela executable on a .tflite file for a
 * target configuration and reads its summary into a {@link org.condition4j.vela.VelaReport}.
 */
package org.condition4j.vela;
