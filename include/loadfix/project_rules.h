#ifndef LOADFIX_PROJECT_RULES_H
#define LOADFIX_PROJECT_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "loadfix/advisory.h"
#include "loadfix/cli.h"
#include "loadfix/doc.h"
#include "loadfix/printer.h"
#include "loadfix/torchreq.h"

/*
 * The checks made once per run on the project's non-Python files, and the
 * torch version facts the per-file pipeline reads:
 *   LF008  a torch requirement (loadfix/torchreq.h) that admits a release
 *          of a CVE in loadfix/advisory.h; or target-torch-version naming one
 *   LF006  TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD set to a value PyTorch treats as
 *          true in Dockerfiles, shell scripts, .env files and GitHub
 *          workflows (the Python side is the per-file pipeline's business)
 *
 * The project root is the directory of the nearest pyproject.toml at or
 * above the first path (a file's directory, or the directory itself), the
 * search going no higher than the current directory for a relative path;
 * without one, the first path when it is a directory (else its directory).
 *
 * Each file with findings gets one lf_doc (its bytes and diagnostics), so
 * the findings go through the printers like any file's; they are printed
 * after the Python files, in path order.
 */

typedef struct lf_project_rules_file {
	char *path; /* owned: as shown ("requirements.txt", "proj/Dockerfile") */
	lf_doc doc; /* owned: the file's bytes and findings */
} lf_project_rules_file;

typedef struct lf_project_rules {
	char *root; /* owned */
	lf_torchreq_list requirements;
	lf_torch_versions versions;   /* what LF001 reads (lf_check_options.torch) */
	lf_project_rules_file *files; /* owned, sorted by path */
	size_t file_count;
} lf_project_rules;

/*
 * Finds the root from `first_path` (NULL: "."), discovers the torch
 * requirements and computes the version facts (from target-torch-version
 * when the settings have one).  finish: frees everything.
 */
void lf_project_rules_init(lf_project_rules *project, const lf_settings *settings, const char *first_path);
void lf_project_rules_finish(lf_project_rules *project);

/* Runs LF006 and LF008 (as enabled in the settings and per-file-ignores,
 * minus `# noqa` comments on the finding's line) into project->files. */
void lf_project_rules_check(lf_project_rules *project, const lf_settings *settings);

/* Prints the files' findings and adds them to the run's totals. */
void lf_project_rules_emit(const lf_project_rules *project, const lf_settings *settings, lf_run_totals *totals);

/* LF006's value test: does PyTorch treat this value as true (exposed for
 * tests)? */
bool lf_project_rules_env_true(const char *value, size_t len);

#endif
