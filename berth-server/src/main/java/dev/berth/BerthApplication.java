package dev.berth;

import dev.berth.backup.BackupCommand;
import dev.berth.importer.ImportHarborCommand;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class BerthApplication {
    public static void main(String[] args) {
        if (BackupCommand.handles(args)) {
            System.exit(BackupCommand.run(args, BerthApplication.class));
        }
        if (ImportHarborCommand.handles(args)) {
            System.exit(ImportHarborCommand.run(args, BerthApplication.class));
        }
        SpringApplication.run(BerthApplication.class, args);
    }
}
