#include "podd_archive.h"
int cmd_cp_out(int argc, char **argv, struct pd_err *err) { (void)argc; (void)argv; return pd_fail(err, PD_E_INVALID, "not yet"); }
int cmd_cp_in(int argc, char **argv, struct pd_err *err) { (void)argc; (void)argv; return pd_fail(err, PD_E_INVALID, "not yet"); }
int cmd_export(int argc, char **argv, struct pd_err *err) { (void)argc; (void)argv; return pd_fail(err, PD_E_INVALID, "not yet"); }
