/**
 * The guide's section 一 (1), what the event loop is: the loop's model of one snapshot per
 * iteration.
 */
@NullMarked
package io.github.asyncio4j.samples.s1;

import org.jspecify.annotations.NullMarked;
