/**
 * The {@code Environment} custom resource ({@code escalator.dev/v1alpha1}): spec, status and the
 * nested types, as fabric8 model classes from which the CRD YAML in {@code crds/} is generated.
 * Defaults and validation live here as annotations so that the API server applies them; nothing
 * in this package holds behaviour.
 */
package dev.escalator.operator.api;
