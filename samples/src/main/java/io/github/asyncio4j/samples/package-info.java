/**
 * The asyncio guide's examples, ported to asyncio4j and runnable: one class per example, in a
 * sub-package per guide section ({@code s1} for section 一, {@code s2} for 二, ...). Each class has a
 * {@code main} and a {@code static String run()} that returns what the example shows; its Javadoc
 * quotes the guide's Python beside the port and says where the port differs, or where the guide is
 * wrong. {@link io.github.asyncio4j.samples.Tour} runs them all in order.
 */
@NullMarked
package io.github.asyncio4j.samples;

import org.jspecify.annotations.NullMarked;
