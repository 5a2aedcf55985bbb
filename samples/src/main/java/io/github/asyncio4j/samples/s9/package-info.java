/**
 * The guide's section 九 (9), the complete example: an asynchronous HTTP client on Reactor Netty,
 * with a cap on concurrent requests, a total timeout per request and {@code fetchAll} through a
 * {@code TaskGroup}, and a sample that runs it against a real server on loopback.
 */
@NullMarked
package io.github.asyncio4j.samples.s9;

import org.jspecify.annotations.NullMarked;
