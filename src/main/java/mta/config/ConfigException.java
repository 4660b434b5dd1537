package mta.config;

/**
 * ConfigException - a configuration error that makes a service or command stop ("fatal:").
 *
 * <p>The message is shown to the administrator as is, after {@code fatal: }.
 */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
