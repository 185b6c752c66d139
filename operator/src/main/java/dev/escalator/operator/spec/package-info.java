/**
 * Converts and validates an {@code Environment} once into the domain model ({@link
 * dev.escalator.operator.spec.EnvironmentModel}), with no API calls. Every problem found is
 * reported with the field path it concerns, so a user sees all of them at once.
 */
package dev.escalator.operator.spec;
