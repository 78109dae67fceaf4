# shellcheck shell=bash disable=SC2034
# Field lists shared by the reference-harness scripts (sourced, not executed).
# Alignment key, in this order.
REF_KEY_FIELDS="evt.rawtime thread.tid evt.type evt.dir"
# Fields that must agree with the references (issue requirement).
REF_CMP_FIELDS="proc.name proc.pid proc.ppid proc.exe proc.cmdline proc.cwd fd.num fd.name fd.type user.name user.uid group.name fd.sip fd.sport fd.cip fd.cport fd.l4proto"
# Extra fields dumped from the references (reported, not gated).
REF_EXTRA_FIELDS="evt.num evt.res evt.rawres evt.args evt.category evt.time evt.cpu fd.typechar fd.directory fd.filename fd.lip fd.rip fd.lport fd.rport fd.is_server fd.sockfamily proc.args proc.pname proc.aname[2] proc.tty proc.sid proc.vpid thread.vtid proc.exepath user.homedir group.gid"
# Only sysdig 0.29 has these (0.41 needs the container plugin, which Debian does not ship).
REF_EXTRA_FIELDS_029="container.id"
