/**
 * Files: atomic writes (temporary file + rename, so a failed run leaves earlier results intact)
 * and file sizes (raw and gzip). Depends on nothing else in the project.
 */
package org.condition4j.io;
