#ifndef LOADFIX_TORCHREQ_H
#define LOADFIX_TORCHREQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "loadfix/pep440.h"

/*
 * The torch requirements a project declares, found from its root (the
 * data side of LF008).  Read, never executed:
 *   pyproject.toml   [project] dependencies, [project.optional-dependencies],
 *                    [dependency-groups] (PEP 735), and the files of
 *                    [tool.setuptools.dynamic] dependencies = {file = ...};
 *                    Poetry's [tool.poetry.dependencies] (also dev- and
 *                    group.<g>.), ^ and ~ translated to PEP 440
 *   requirements*.txt and requirements/ *.txt at the root, and every file
 *                    they name with -r/--requirement (relative to the naming
 *                    file, each file once, so cycles end) or -c/--constraint
 *                    (entries flagged `constraint`)
 *   setup.cfg        [options] install_requires (also `file:`),
 *                    [options.extras_require]
 *   setup.py         literal install_requires=[...] / extras_require={...}
 *                    lists in any call, through tree-sitter-python
 *   environment.yml / environment.yaml   conda dependencies (pytorch,
 *                    torch, pytorch-gpu, pytorch-cpu; `=` and `==` and
 *                    ranges) and the `pip:` sub-list (read as a
 *                    requirements file)
 * Names match after PEP 503 normalisation (Torch, torch[cuda]).  Markers
 * are kept as text, not evaluated: a requirement for some environment is
 * a requirement.
 */

typedef enum lf_torchreq_kind {
	LF_TORCHREQ_PYPROJECT,
	LF_TORCHREQ_REQUIREMENTS,
	LF_TORCHREQ_SETUP_CFG,
	LF_TORCHREQ_SETUP_PY,
	LF_TORCHREQ_CONDA,     /* a conda dependency of environment.yml */
	LF_TORCHREQ_CONDA_PIP, /* its pip: sub-list */
	LF_TORCHREQ_POETRY,    /* [tool.poetry.*dependencies] of pyproject.toml */
} lf_torchreq_kind;

typedef struct lf_torchreq {
	lf_torchreq_kind kind;
	char *path;        /* owned: the file, "root/..." as the root was given */
	uint32_t line;     /* 1-based */
	uint32_t column;   /* 1-based, in characters, of the requirement's first character */
	char *text;        /* owned: the whole requirement as written ("torch[cuda]>=2.0; os_name=='nt'") */
	char *name;        /* owned: as written ("Torch", "pytorch") */
	char *extras;      /* owned: "cuda,xla" or NULL */
	char *specifier;   /* owned: the PEP 440 specifier read ("" = unpinned); for conda the translation */
	char *marker;      /* owned: the environment marker text, or NULL */
	char *group;       /* owned: extra, optional-dependencies or dependency-group name, or NULL */
	bool constraint;   /* from a -c constraints file: narrows, installs nothing */
	bool parsed;       /* false when the version part could not be read: treat as unpinned */
	lf_pep440_set set; /* owned: the parsed specifier (empty when unpinned or !parsed) */
} lf_torchreq;

/* Found requirements, plus what could not be read ("path: reason"), which
 * does not stop discovery.  init/finish: the caller owns the struct. */
typedef struct lf_torchreq_list {
	lf_torchreq *items; /* owned */
	size_t count;
	char **warnings; /* owned */
	size_t warning_count;
} lf_torchreq_list;

void lf_torchreq_list_init(lf_torchreq_list *list);
void lf_torchreq_list_finish(lf_torchreq_list *list);

/*
 * Reads every kind of file above under `root` (a directory) and appends
 * the torch requirements found, in a fixed order (pyproject.toml,
 * setup.cfg, setup.py, requirements files sorted by name, environment.yml)
 * and in file order within each file.
 */
void lf_torchreq_discover(const char *root, lf_torchreq_list *list);

/*
 * One PEP 508 requirement string: when it names torch (after PEP 503
 * normalisation; `pytorch` is a different, placeholder package on PyPI),
 * fills *out (the caller sets path/line/column/kind and owns the strings:
 * lf_torchreq_finish) and returns true.  A direct reference
 * ("torch @ https://.../torch-2.1.0%2Bcu121-cp311-...whl") reads the
 * version from the wheel's file name as ==2.1.0+cu121, else it is
 * unpinned.
 */
bool lf_torchreq_parse_pep508(const char *text, size_t len, lf_torchreq *out);
/* The same for a conda match spec ("pytorch=2.1", "conda-forge::pytorch>=2.0,<3"). */
bool lf_torchreq_parse_conda(const char *text, size_t len, lf_torchreq *out);
void lf_torchreq_finish(lf_torchreq *req);

/* PEP 503: lowercase, runs of -_. become one '-'.  Caller frees. */
char *lf_torchreq_normalize_name(const char *name, size_t len);

#endif
