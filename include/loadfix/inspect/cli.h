#ifndef LOADFIX_INSPECT_CLI_H
#define LOADFIX_INSPECT_CLI_H

/*
 * `loadfix inspect [--output-format text|json] [--torch-version V]
 * CHECKPOINT...` (src/inspect/cli.c): reads each checkpoint without
 * running it and prints its globals, the weights_only verdict and the
 * remedy.  argv[0] is "inspect".  Returns the exit status: 0 no checkpoint
 * references a dangerous callable, 1 at least one does, 2 a usage error or
 * a file that could not be read completely (the others are still
 * inspected).
 */
int lf_inspect_main(int argc, char **argv);

#endif
