/**
 * escalation-examples/ checked as the API server would check them: the CRD's OpenAPI v3 schema and
 * its CEL validation rules.
 */
package dev.escalator.operator.examples;
