/*
 * run.c: running Lua code for th: protected calls with a traceback, the
 * "th: <message>" error report, and Ctrl-C.
 *
 * Ctrl-C follows lua.c: the SIGINT handler touches no Lua state except
 * through lua_sethook (safe in a signal handler), installing a hook that
 * fires at the next call, return or instruction count and raises
 * "interrupted!". Our LuaJIT is built with LUAJIT_ENABLE_CHECKHOOK, so
 * compiled loops see the hook too. The handler also sets the engine's
 * interrupt flag, which long C loops poll, so `torch.randn(1e9)` stops
 * as well. A second Ctrl-C before the hook runs kills the process.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <lauxlib.h>
#include <lua.h>

#include "th.h"
#include "torchlight.h"

static lua_State *volatile run_state;       /* the state the handler hooks */
static volatile sig_atomic_t run_interrupted;

static void run_stop(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  tl_interrupt_clear();
  run_interrupted = 0;   /* handled: the next Ctrl-C interrupts again */
  luaL_error(L, "interrupted!");
}

double th_run_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);   /* async-signal-safe */
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The first Ctrl-C never kills: it asks the code to stop. Only a second
 * one, more than RUN_KILL_AFTER seconds after a first that has not taken
 * effect yet (a C call that does not poll), falls back to the default
 * action, so rapid repeated presses on running Lua code stay harmless. */
#define RUN_KILL_AFTER 1.0
static volatile double run_first_at;

double th_run_interrupt_time(void) { return run_first_at; }

static void run_on_sigint(int sig) {
  if (run_interrupted) {
    if (th_run_now() - run_first_at > RUN_KILL_AFTER) {
      signal(sig, SIG_DFL);
      raise(sig);
    }
    return;
  }
  run_first_at = th_run_now();
  run_interrupted = 1;
  tl_interrupt_set();
  lua_sethook(run_state, run_stop, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

/* Message handler: turns any error value into "message\ntraceback". */
static int run_traceback(lua_State *L) {
  const char *msg = lua_tostring(L, 1);
  if (msg == NULL) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

int th_run_call(lua_State *L, int narg, int nres) {
  int base = lua_gettop(L) - narg;   /* where the function is */
  int status;
  lua_pushcfunction(L, run_traceback);
  lua_insert(L, base);
  run_state = L;
  run_interrupted = 0;
  /* The previous handler comes back afterwards: the REPL's prompt keeps
   * its own between commands. */
  void (*prev)(int) = signal(SIGINT, run_on_sigint);
  status = lua_pcall(L, narg, nres, base);
  signal(SIGINT, prev == SIG_ERR ? SIG_DFL : prev);
  lua_remove(L, base);
  if (run_interrupted) {
    /* The hook may not have fired (e.g. the error came from a C loop). */
    lua_sethook(L, NULL, 0, 0);
    tl_interrupt_clear();
    run_interrupted = 0;
  }
  return status;
}

int th_run_report(lua_State *L, int status) {
  if (status != 0 && !lua_isnil(L, -1)) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "th: %s\n", msg ? msg : "(error object is not a string)");
    fflush(stderr);
    lua_pop(L, 1);
  }
  return status;
}

int th_run_string(lua_State *L, const char *code, const char *chunkname) {
  int status = luaL_loadbuffer(L, code, strlen(code), chunkname);
  if (status == 0) status = th_run_call(L, 0, 0);
  return status;
}

/* require(name), then make the result the global `name` (as lua -l does). */
int th_run_library(lua_State *L, const char *name) {
  int status;
  lua_getglobal(L, "require");
  lua_pushstring(L, name);
  status = th_run_call(L, 1, 1);
  if (status == 0) {
    if (lua_isnil(L, -1) || lua_isboolean(L, -1)) lua_pop(L, 1);
    else lua_setglobal(L, name);
  }
  return status;
}

int th_run_script(lua_State *L, const char *path, int nargs) {
  int status = luaL_loadfile(L, path);
  if (status == 0) {
    lua_insert(L, -(nargs + 1));   /* the chunk goes below its arguments */
    return th_run_call(L, nargs, 0);
  }
  lua_insert(L, -(nargs + 1));     /* keep the message on top */
  lua_pop(L, nargs);
  return status;
}
