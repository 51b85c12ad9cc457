/** The command line: one class per subcommand, each parsing its arguments and delegating. */
package kquant.cli;
