/**
 * The error report: float against Q15/Q7 per timestep and per tensor, as a self-contained HTML
 * page with inline SVG charts, a metrics.json, and CSV files of every charted series.
 */
package kquant.report;
