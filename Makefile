# SPDX-License-Identifier: Apache-2.0
# podd: one non-recursive Makefile for every program, test and tool.
# `make V=1` shows the commands. Variants: build/default (make), build/asan (make asan).

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  := $(PREFIX)/bin

VARIANT ?= default
B       := build/$(VARIANT)

CC      ?= cc
PKG     ?= pkg-config

ifeq ($(V),1)
Q :=
else
Q := @
endif

WARN := -Wall -Wextra -Werror -Wformat=2 -Wformat-security -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wmissing-declarations -Wimplicit-fallthrough -Wundef -Wvla \
	-Wpointer-arith -Wnull-dereference

BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -g $(WARN) -fno-common -Ilib

ifeq ($(VARIANT),asan)
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
OPT     := -O1 -fno-omit-frame-pointer $(SAN)
LDOPT   := $(SAN)
else
OPT     := -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
LDOPT   := -pie -Wl,-z,relro,-z,now -Wl,--as-needed
endif

CFLAGS_ALL := $(BASE_CFLAGS) $(OPT) $(CFLAGS)
LDFLAGS_ALL := $(LDOPT) $(LDFLAGS)

# Library flags are looked up only when building (deps may not be installed yet).
pc_cflags = $(shell $(PKG) --cflags $(1) 2>/dev/null)
pc_libs   = $(shell $(PKG) --libs $(1) 2>/dev/null)

JANSSON_LIBS = $(call pc_libs,jansson)
CAP_LIBS     = $(call pc_libs,libcap)
EVENT_LIBS   = $(call pc_libs,libevent)
NL_PKGS      = libnl-3.0 libnl-route-3.0
NL_LIBS      = $(call pc_libs,$(NL_PKGS))
HTTPP_LIBS   = -lhttp_parser
# lib/digest.c (SHA-256 over OpenSSL EVP) is in libpodd.a, but only the
# programs that call pd_digest_* link libcrypto (issue 11: archive, registry).
CRYPTO_LIBS  = $(call pc_libs,libcrypto)
ARCHIVE_LIBS = $(call pc_libs,libarchive)

# ---- sources -------------------------------------------------------------
LIB_SRCS   := $(wildcard lib/*.c)
# issue 15: the Docker Engine API, a second dialect in podd/api/.
PODD_SRCS  := $(wildcard podd/*.c podd/api/*.c)
CLI_SRCS   := $(wildcard cli/*.c)
PAUSE_SRCS := shim/pause.c
# podd-monitor: its own files, and the lib/ pieces it links (libc only).
MONITOR_SRCS := shim/monitor.c shim/io.c lib/crilog.c lib/timefmt.c lib/log.c lib/err.c \
	lib/exitfile.c lib/file.c lib/fd.c lib/xalloc.c lib/parse.c lib/reap.c lib/attach.c shim/attach_server.c
SHIM_SRCS  := $(filter-out $(PAUSE_SRCS) $(MONITOR_SRCS),$(wildcard shim/*.c))
NETPLUG_SRCS := $(wildcard netplug/*.c)
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
# podd-archive (issue 11): tar archives, blobs and layers; libarchive + libcrypto.
ARCHIVE_SRCS := $(wildcard archive/*.c)

obj = $(patsubst %.c,$(B)/obj/%.o,$(1))

LIB_OBJS  := $(call obj,$(LIB_SRCS))
PODD_OBJS := $(call obj,$(PODD_SRCS))
CLI_OBJS  := $(call obj,$(CLI_SRCS))
SHIM_OBJS := $(call obj,$(SHIM_SRCS))
NETPLUG_OBJS := $(call obj,$(NETPLUG_SRCS))
ARCHIVE_OBJS := $(call obj,$(ARCHIVE_SRCS))
# podd-archive's pure module (manifests, indexes, docker's manifest.json).
ARCHIVE_PURE_OBJS := $(call obj,archive/manifest.c)
# podd's pure modules, linked into unit tests (everything but main and the loop).
PODD_PURE_OBJS := $(call obj,podd/pod_spec.c podd/ctr_spec.c podd/port_spec.c \
	podd/image_manifest.c podd/image_request.c podd/ctr_image.c podd/mount_spec.c)
# probes branch: probes and healthchecks, parsed.
PODD_PURE_OBJS += $(call obj,podd/probe_spec.c)
# registry branch: manifests and registry auth, parsed.
PODD_PURE_OBJS += $(call obj,podd/reg_manifest.c podd/reg_auth.c)
# issue 12, podlife: a pod as kubectl shows it.
PODD_PURE_OBJS += $(call obj,podd/pod_status.c)
# issue 12, podspec: the events query, pod volumes.
PODD_PURE_OBJS += $(call obj,podd/events_query.c podd/pod_volume_spec.c)
# issue 13, observe: the stats files and top's columns, parsed.
PODD_PURE_OBJS += $(call obj,podd/stats_parse.c)
# issue 13, privileges: a container's, checked.
PODD_PURE_OBJS += $(call obj,podd/ctr_privileges.c podd/cgroup_devices.c)
# issue 13, cgroups: limits, parsed (ctr_spec.c calls them).
PODD_PURE_OBJS += $(call obj,podd/cgroup_limits.c)
# issue 13, seccomp: security_opt of a container.
PODD_PURE_OBJS += $(call obj,podd/security_opt.c)
# issue 13, userns: the pool of subordinate ids.
PODD_PURE_OBJS += $(call obj,podd/userns.c)
# issue 14, attach: attachments, parsed.
PODD_PURE_OBJS += $(call obj,podd/netattach.c podd/ctr_net_spec.c)
# issue 14, firewall: podd's nftables table from a plan.
PODD_PURE_OBJS += $(call obj,podd/firewall_rules.c)
# issue 15, dkctr: the Engine's container create body as podd's.
PODD_PURE_OBJS += $(call obj,podd/api/dk_container_body.c)
# issue 16, nsmap: the namespace map from a scan of /proc.
PODD_PURE_OBJS += $(call obj,podd/ns_map.c)
# podctl's pure modules, likewise.
CLI_PURE_OBJS := $(call obj,cli/flags.c cli/output.c cli/ctr.c cli/logstream.c cli/detachkeys.c \
	cli/body.c)
# issue 13: podctl run's privilege flags.
CLI_PURE_OBJS += $(call obj,cli/priv_flags.c)
# issue 16, ux: --filter and "did you mean".
CLI_PURE_OBJS += $(call obj,cli/filter.c cli/suggest.c)
# podd-shim's pure module and podd-monitor's log writer, likewise.
SHIM_PURE_OBJS := $(call obj,shim/spec.c shim/io.c shim/user.c)
# issue 13, privileges: their spec keys.
SHIM_PURE_OBJS += $(call obj,shim/priv_spec.c)
# netplug's pure modules (no libnl): the CNI protocol, IPAM files.
NETPLUG_PURE_OBJS := $(call obj,netplug/cni.c netplug/ipam.c)

LIBPODD := $(B)/libpodd.a
PODD    := $(B)/podd
PODCTL  := $(B)/podctl
PAUSE   := $(B)/podd-pause
SHIM    := $(B)/podd-shim
MONITOR := $(B)/podd-monitor
NETPLUG := $(B)/netplug
PODD_ARCHIVE := $(B)/podd-archive
PROGS   := $(PODD) $(PODCTL) $(PAUSE) $(SHIM) $(MONITOR) $(NETPLUG) $(PODD_ARCHIVE)
# issue 16: what `make install` puts beside the programs; the rules that
# build them are in the "issue 16, docs" block at the end.
MAN_PAGES   := $(B)/man/podctl.1 $(B)/man/podd.8
COMPLETIONS := $(B)/completion/podctl.bash $(B)/completion/_podctl $(B)/completion/podctl.fish
UNITS   := $(patsubst tests/unit/%.c,$(B)/tests/%,$(UNIT_SRCS))


.PHONY: deps-check deps-build-check
.PHONY: all asan check unit integration lint format deps install bench demo clean fuzz fuzz-smoke images
.PHONY: shim-cases shim-measure
.DEFAULT_GOAL := all

all: deps-build-check
	$(Q)$(MAKE) --no-print-directory $(PROGS)

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS_ALL) $(EXTRA_CFLAGS) -MMD -MP -c $< -o $@

$(LIBPODD): $(LIB_OBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(PODD): EXTRA_CFLAGS = $(call pc_cflags,libevent jansson)
$(PODD_OBJS): EXTRA_CFLAGS = $(call pc_cflags,libevent jansson)
# issue 15: podd/api/ includes podd's own headers.
$(call obj,$(wildcard podd/api/*.c)): EXTRA_CFLAGS = -Ipodd $(call pc_cflags,libevent jansson)
# registry: podd's pulls and pushes go through libcurl's multi interface on
# the loop (podd/curl_loop.c); libssl for a registry's own CAs (registry.c).
$(call obj,podd/curl_loop.c podd/registry.c podd/pull.c podd/push.c podd/api_registry.c): \
	EXTRA_CFLAGS = $(call pc_cflags,libevent jansson libcurl openssl)
# probes branch: network checks over the same curl loop (podd/probe_net.c).
$(call obj,podd/probe.c podd/probe_net.c): \
	EXTRA_CFLAGS = $(call pc_cflags,libevent jansson libcurl)
CURL_LIBS    = $(call pc_libs,libcurl)
SSL_LIBS     = $(call pc_libs,libssl)
$(PODD): $(PODD_OBJS) $(LIBPODD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(EVENT_LIBS) $(JANSSON_LIBS) $(CURL_LIBS) $(SSL_LIBS) $(CRYPTO_LIBS) \
		$(NFT_LIBS) $(HTTPP_LIBS)

# podctl links libarchive for cp (cli/cmd_cp.c makes and reads the host's tars).
# kube branch: and libyaml for `podctl kube` (cli/kube_yaml.c), the only YAML user.
YAML_LIBS    = $(call pc_libs,yaml-0.1)
$(CLI_OBJS): EXTRA_CFLAGS = $(call pc_cflags,libevent jansson libarchive yaml-0.1)
$(PODCTL): $(CLI_OBJS) $(LIBPODD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(EVENT_LIBS) $(JANSSON_LIBS) $(HTTPP_LIBS) $(ARCHIVE_LIBS) \
		$(YAML_LIBS)

# issue 13: podd-shim is the only program that links libseccomp (shim/seccomp_filter.c).
SECCOMP_LIBS = $(call pc_libs,libseccomp)
$(SHIM_OBJS): EXTRA_CFLAGS = $(call pc_cflags,jansson libcap libseccomp)
$(SHIM): $(SHIM_OBJS) $(LIBPODD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(JANSSON_LIBS) $(CAP_LIBS) $(SECCOMP_LIBS)

# netplug, the CNI plugin: the only program that links libnl. netplug (its
# masquerade per attachment) and podd (its own table: ports, isolation) link
# libnftables through lib/nft.c.
NFT_LIBS     = $(call pc_libs,libnftables)
$(NETPLUG_OBJS): EXTRA_CFLAGS = $(call pc_cflags,jansson $(NL_PKGS))
$(NETPLUG): $(NETPLUG_OBJS) $(LIBPODD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(NL_LIBS) $(JANSSON_LIBS) $(NFT_LIBS)

# podd-archive: the only program that links libarchive (and, with the
# registry's, libcrypto through lib/digest.c).
$(ARCHIVE_OBJS): EXTRA_CFLAGS = $(call pc_cflags,jansson libarchive libcrypto)
$(PODD_ARCHIVE): $(ARCHIVE_OBJS) $(LIBPODD)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS_ALL) -o $@ $^ $(ARCHIVE_LIBS) $(CRYPTO_LIBS) $(JANSSON_LIBS)

# podd-pause links nothing but libc, statically, in every variant (a static
# binary cannot carry the sanitizers' runtimes). It is built against musl: a
# static glibc drags ~640 KB of text (locale, stdio) into every pod's PSS;
# with musl the whole binary is ~17 KB.
# Every page of such a binary is mapped (the kernel maps the cached pages
# around each fault), so its file size is its PSS: no unwind tables (C, no
# exceptions; a core dump still has the stack), and code and read-only data
# in one segment, without the padding to page boundaries between them.
PAUSE_CC ?= musl-gcc
STATIC_FLAGS := $(BASE_CFLAGS) -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables \
	-fno-unwind-tables -static -Wl,--gc-sections -Wl,-z,noseparate-code -s
$(PAUSE): $(PAUSE_SRCS) lib/sync.h lib/err.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@ (static, musl)")
	$(Q)$(PAUSE_CC) $(STATIC_FLAGS) -o $@ $(PAUSE_SRCS)

# podd-monitor, which podd-shim execs once the workload runs (shim/monitor.h),
# is built the same way: it lives as long as the container, and static musl
# keeps it near 34 KB instead of the dynamic shim's ~300 KB of PSS.
$(MONITOR): $(MONITOR_SRCS) $(wildcard lib/*.h) shim/io.h shim/monitor.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@ (static, musl)")
	$(Q)$(PAUSE_CC) $(STATIC_FLAGS) -o $@ $(MONITOR_SRCS)

# ---- tests ---------------------------------------------------------------
$(B)/tests/%: tests/unit/%.c tests/unit/unit.h $(PODD_PURE_OBJS) $(CLI_PURE_OBJS) \
		$(SHIM_PURE_OBJS) $(NETPLUG_PURE_OBJS) $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -Ipodd -Icli -Ishim -Inetplug $(call pc_cflags,jansson) \
		-o $@ $< $(PODD_PURE_OBJS) $(CLI_PURE_OBJS) $(SHIM_PURE_OBJS) $(NETPLUG_PURE_OBJS) \
		$(LIBPODD) $(JANSSON_LIBS) $(LDOPT)

# test_proxy relays real loopback traffic through podd/proxy.c, so it links
# libevent as well (the explicit rule wins over the pattern above).
PROXY_OBJS := $(call obj,podd/proxy.c podd/proxy_tcp.c podd/proxy_udp.c podd/port_spec.c)
$(B)/tests/test_proxy: tests/unit/test_proxy.c tests/unit/unit.h $(PROXY_OBJS) $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -Ipodd $(call pc_cflags,libevent jansson) -o $@ $< \
		$(PROXY_OBJS) $(LIBPODD) $(EVENT_LIBS) $(JANSSON_LIBS) $(LDOPT)

# test_digest checks lib/digest.c, the one lib/ module that needs libcrypto.
$(B)/tests/test_digest: tests/unit/test_digest.c tests/unit/unit.h $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -o $@ $< $(LIBPODD) $(CRYPTO_LIBS) $(LDOPT)

# podd-archive's parsers of manifests, indexes and docker's manifest.json.
$(B)/tests/test_archive_manifest: tests/unit/test_archive_manifest.c tests/unit/unit.h \
		$(ARCHIVE_PURE_OBJS) $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -Iarchive $(call pc_cflags,jansson) -o $@ $< \
		$(ARCHIVE_PURE_OBJS) $(LIBPODD) $(JANSSON_LIBS) $(LDOPT)

# kube branch: podctl's YAML and manifest model, which link libyaml.
KUBE_PURE_OBJS := $(call obj,cli/kube_yaml.c cli/kube_model.c cli/kube_walk.c \
	cli/kube_env.c cli/kube_container.c cli/kube_volume.c cli/kube_gen.c)
$(B)/tests/test_kube_yaml $(B)/tests/test_kube_model: $(B)/tests/%: tests/unit/%.c tests/unit/unit.h \
		$(KUBE_PURE_OBJS) $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Itests/unit -Icli $(call pc_cflags,jansson yaml-0.1) -o $@ $< \
		$(KUBE_PURE_OBJS) $(LIBPODD) $(JANSSON_LIBS) $(YAML_LIBS) $(LDOPT)

# The unit binaries, then what each program links (tests/links.sh).
unit: deps-check $(UNITS) $(PROGS)
	$(Q)tests/run.sh --unit-only $(B)

integration: deps-check $(PROGS)
	$(Q)tests/run.sh --integration-only $(B)

check: deps-check images
	$(Q)$(MAKE) --no-print-directory $(PROGS) $(UNITS)
	$(Q)tests/run.sh $(B)

# podd-shim by hand, without podd (tests/shim/): behaviour, then figures.
shim-cases: images
	$(Q)$(MAKE) --no-print-directory $(SHIM) $(MONITOR) $(PAUSE)
	$(Q)tests/shim/cases.sh $(B) $(IMAGES)

shim-measure: images
	$(Q)$(MAKE) --no-print-directory $(SHIM) $(MONITOR)
	$(Q)tests/shim/measure.sh $(SHIM) $(IMAGES)

asan: images
	$(Q)$(MAKE) --no-print-directory VARIANT=asan $(patsubst build/default/%,build/asan/%,$(PROGS) $(UNITS))
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 tests/run.sh build/asan

# ---- dependencies --------------------------------------------------------
# Build: compilers and -dev packages. Test: the tools the suite drives.
DEPS_BUILD := build-essential pkg-config musl-tools libevent-dev libjansson-dev libcap-dev \
	libnl-3-dev libnl-route-3-dev libhttp-parser-dev libcurl4-openssl-dev libarchive-dev libssl-dev \
	libseccomp-dev libnftables-dev
DEPS_TEST  := iproute2 util-linux curl busybox-static tcpdump procps socat python3 iputils-ping tmux \
	containernetworking-plugins umoci skopeo docker-registry python3-jwt python3-cryptography openssl apache2-utils zstd
# probes branch: 23-probes.sh's grpc.health.v1 server (tests/helpers/).
DEPS_TEST  += python3-grpcio
# issue 14: nft for the leak check; dnsmasq as the simulated outside's resolver; dig.
DEPS_TEST  += nftables dnsmasq-base bind9-dnsutils
DEPS_LINT  := clang-format clang-tidy cppcheck shellcheck

deps: deps-kubectl deps-docker
	$(Q)tools/deps.sh $(DEPS_BUILD) $(DEPS_TEST) $(DEPS_LINT)

# Fail early, with the command to run, when a dependency is missing.
deps-check:
	$(Q)tools/deps.sh --check $(DEPS_BUILD) $(DEPS_TEST)

deps-build-check:
	$(Q)tools/deps.sh --check $(DEPS_BUILD)

# ---- tools ---------------------------------------------------------------
C_FILES = $(shell git ls-files '*.c' '*.h' 2>/dev/null || find lib podd cli shim netplug tests -name '*.[ch]')
SH_FILES = $(shell git ls-files '*.sh' .ci/run 2>/dev/null)

lint:
	$(Q)clang-format --dry-run -Werror $(C_FILES)
	$(Q)cppcheck --enable=warning,performance,portability --std=c11 --error-exitcode=1 \
		--inline-suppr --quiet -D_GNU_SOURCE -Ilib --suppress=missingIncludeSystem \
		--include=tools/cppcheck.h $(C_FILES)
	$(Q)tools/lint-grep.sh $(C_FILES)
	$(Q)tools/tidy.sh
	$(Q)shellcheck -x --severity=warning $(SH_FILES)

format:
	$(Q)clang-format -i $(C_FILES)

$(B)/bench-floor: tests/bench/floor.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -O2 -o $@ $<

# The published-ports relay against a direct connection (tests/bench/proxy_bench.c).
$(B)/bench-proxy: tests/bench/proxy_bench.c $(PROXY_OBJS) $(LIBPODD)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(CFLAGS_ALL) -Ipodd $(call pc_cflags,libevent jansson) -o $@ $< $(PROXY_OBJS) \
		$(LIBPODD) $(EVENT_LIBS) $(JANSSON_LIBS) $(LDFLAGS_ALL)

# issue 14, dns: a DNS load tool (tests/bench/dns_load.c) for tests/bench/dns.sh.
$(B)/bench-dns: tests/bench/dns_load.c
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(BASE_CFLAGS) -O2 -o $@ $<

# What the benchmarks compare podd with (tests/bench/scale.sh): installed by
# `make bench` only, not by `make deps`. catatonit builds podman's pause image.
DEPS_BENCH := podman crun catatonit

bench: deps images $(PROGS) $(B)/bench-floor $(B)/bench-proxy $(B)/bench-dns
	$(Q)tools/deps.sh $(DEPS_BENCH)
	$(Q)tests/bench/bench.sh $(B)

# libFuzzer targets, one per parser that sees outside bytes (tests/fuzz/).
DEPS_FUZZ := clang libclang-rt-14-dev
FUZZ_SECONDS ?= 10

fuzz:
	$(Q)tools/deps.sh $(DEPS_FUZZ)
	$(Q)tests/fuzz/build.sh build/fuzz

fuzz-smoke: fuzz
	$(Q)tests/fuzz/smoke.sh build/fuzz $(FUZZ_SECONDS)

# The images the examples and tests use, as directories (podctl image import).
IMAGES := build/images
DEPS_IMAGES := busybox-static tcpdump

images:
	$(Q)tools/deps.sh $(DEPS_IMAGES)
	$(Q)tools/make-images.sh $(IMAGES)

demo: deps images $(PROGS)
	$(Q)examples/run.sh $(B)

clean:
	rm -rf build

# Only this variant's dependency files: another variant's name its own objects.
-include $(shell find $(B) -name '*.d' 2>/dev/null)

# No object is an intermediate file to delete after a link (shim/io.o, made
# for the unit tests' pure objects and podd-shim alike, was).
.SECONDARY:

# Kubernetes manifests: libyaml for podctl kube; python3-kubernetes and
# podman check what generate writes (recipes expand these when they run,
# after the whole file is read).
DEPS_BUILD += libyaml-dev
DEPS_TEST  += python3-kubernetes podman catatonit
# The kube tests drive kubectl (`kubectl create ... --dry-run`);
# Debian's kubernetes-client only when no kubectl is installed at all.
# issue 15: the Engine API's clients: the docker CLI (Debian's docker.io
# only when no docker is installed; its daemon is never started), the
# Python SDK and docker-compose 1.29.
DEPS_TEST  += python3-docker docker-compose
.PHONY: deps-docker
deps-docker:
	$(Q)tools/deps-docker.sh

.PHONY: deps-kubectl
deps-kubectl:
	$(Q)command -v kubectl >/dev/null 2>&1 || tools/deps.sh kubernetes-client

# issue 16, install: make install / uninstall (tools/install.sh). Programs
# into BINDIR, netplug where CNI runtimes look for plugins (containerd's and
# most others' default is /opt/cni/bin), the systemd unit, the man pages and
# completion files (whatever MAN_PAGES and COMPLETIONS hold), the group
# podd (when DESTDIR is empty), and a manifest that uninstall follows.
CNI_BINDIR ?= /opt/cni/bin
UNITDIR    ?= $(PREFIX)/lib/systemd/system
PODD_GROUP ?= podd
INSTALL_ENV = DESTDIR='$(DESTDIR)' PREFIX='$(PREFIX)' BINDIR='$(BINDIR)' \
	CNI_BINDIR='$(CNI_BINDIR)' UNITDIR='$(UNITDIR)' GROUP='$(PODD_GROUP)'
.PHONY: uninstall
install: all $(MAN_PAGES) $(COMPLETIONS)
	$(Q)$(INSTALL_ENV) tools/install.sh install $(PODD) $(PODCTL) $(PAUSE) $(SHIM) \
		$(MONITOR) $(PODD_ARCHIVE) -- $(NETPLUG) -- dist/podd.service.in -- \
		$(MAN_PAGES) $(COMPLETIONS)

uninstall:
	$(Q)$(INSTALL_ENV) tools/install.sh uninstall
DEPS_TEST  += systemd

# issue 16, docs: the man pages and completion scripts, written by the
# programs themselves from their own tables (podctl __man, podd --man,
# podctl completion SHELL), so they follow every command and flag added.
$(B)/man/podctl.1: $(PODCTL)
	@mkdir -p $(@D)
	$(Q)$(PODCTL) __man > $@.tmp && mv $@.tmp $@
$(B)/man/podd.8: $(PODD)
	@mkdir -p $(@D)
	$(Q)$(PODD) --man > $@.tmp && mv $@.tmp $@
$(B)/completion/podctl.bash: $(PODCTL)
	@mkdir -p $(@D)
	$(Q)$(PODCTL) completion bash > $@.tmp && mv $@.tmp $@
$(B)/completion/_podctl: $(PODCTL)
	@mkdir -p $(@D)
	$(Q)$(PODCTL) completion zsh > $@.tmp && mv $@.tmp $@
$(B)/completion/podctl.fish: $(PODCTL)
	@mkdir -p $(@D)
	$(Q)$(PODCTL) completion fish > $@.tmp && mv $@.tmp $@
.PHONY: docs
docs: $(MAN_PAGES) $(COMPLETIONS)
# The completion tests load the zsh and fish scripts too.
DEPS_TEST  += zsh fish

# issue 16, nsmap: graphviz, to check that `podctl ns --format dot` is a
# graph dot reads (tests/integration/43-ns.sh).
DEPS_TEST  += graphviz
