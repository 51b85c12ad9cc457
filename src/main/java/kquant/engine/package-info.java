/**
 * The engines: {@link kquant.engine.FloatEngine}, the Keras-exact float reference, and
 * {@link kquant.engine.FixedEngine}, the Q15/Q7 integer engine that is the bit-exact specification
 * of the exported C. Both record the same intermediates under the same names in a {@link kquant.engine.Trace}.
 */
package kquant.engine;
