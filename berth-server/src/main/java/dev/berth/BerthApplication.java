package dev.berth;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BerthApplication {
    public static void main(String[] args) {
        SpringApplication.run(BerthApplication.class, args);
    }
}
