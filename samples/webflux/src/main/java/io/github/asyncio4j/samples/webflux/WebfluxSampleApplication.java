package io.github.asyncio4j.samples.webflux;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The WebFlux sample service. Start it with {@code java -jar
 * samples/webflux/target/asyncio4j-samples-webflux-0.1.0-SNAPSHOT.jar} after {@code mvn -B -q -pl
 * samples/webflux -am -DskipTests package}; it listens on port 8080 and, for trying it out, serves
 * its own demo downstream services under {@code /demo} ({@link DemoDownstreams}).
 */
@SpringBootApplication
@EnableConfigurationProperties(SampleProperties.class)
public class WebfluxSampleApplication {
  /** Spring Boot instantiates it. */
  public WebfluxSampleApplication() {}

  /**
   * Starts the service.
   *
   * @param args Spring Boot arguments, e.g. {@code --server.port=9090}
   */
  public static void main(String[] args) {
    SpringApplication.run(WebfluxSampleApplication.class, args);
  }
}
