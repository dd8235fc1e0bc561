/** DI tokens for values that are not classes. */
export const APP_CONFIG = Symbol('AppConfig');
export const LOGGER = Symbol('Logger');
/** The engines this node talks to (EngineHealthCheck[]), for GET /health. */
export const HEALTH_CHECKS = Symbol('HealthChecks');
