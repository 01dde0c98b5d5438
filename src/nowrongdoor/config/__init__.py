"""Django configuration: settings from the environment, refusing unsafe defaults in production."""
