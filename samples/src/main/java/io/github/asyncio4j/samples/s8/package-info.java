/** The guide's section 八 (8), debugging: debug mode, listing tasks. */
@NullMarked
package io.github.asyncio4j.samples.s8;

import org.jspecify.annotations.NullMarked;
