/**
 * asyncio's module-level functions on asyncio4j: the {@link io.github.asyncio4j.operators.Asyncio}
 * facade ({@code run}, {@code sleep}, {@code createTask}, ...), ready for {@code import static}.
 */
@NullMarked
package io.github.asyncio4j.operators;

import org.jspecify.annotations.NullMarked;
