/**
 * The Java of {@code docs/porting.md}, the porting guide: every snippet the guide shows is a region
 * of a class here, between the comments {@code // [name]} and {@code // [/name]}, so that it
 * compiles with the samples; {@code PortingGuideTest} checks that the guide's snippets are still
 * the code here, and runs the ones that do something. One class per section of the asyncio guide,
 * plus {@link io.github.asyncio4j.samples.porting.Differences} for where Java and Reactor differ
 * from Python and {@link io.github.asyncio4j.samples.porting.QuickReference} for its section 10.
 */
@NullMarked
package io.github.asyncio4j.samples.porting;

import org.jspecify.annotations.NullMarked;
