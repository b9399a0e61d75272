/**
 * Start-up of ND4J's CPU back-end with oneDNN switched on. The lowest package: everything that
 * touches ND4J calls {@link org.condition4j.backend.Backend#start()} first, so that the settings are in
 * place before the native libraries load.
 */
package org.condition4j.backend;
