/** {@code ${name}} substitution in user-supplied strings (check probes, action fields). */
package dev.escalator.operator.template;
