/*
 * checkhook.c: proves that our LuaJIT was built with LUAJIT_ENABLE_CHECKHOOK.
 *
 * th stops a running script on Ctrl-C the way lua.c does: the SIGINT
 * handler installs a count hook and the hook raises an error. Without
 * CHECKHOOK a JIT-compiled loop never looks at the hook, so the loop below
 * would spin forever. Here SIGALRM plays the part of Ctrl-C; a watchdog
 * thread fails the test if the loop is still running after a few seconds.
 *
 * It also checks the fix build_luajit.sh applies for a bug CHECKHOOK
 * exposes: a hot pairs() loop compiled into an empty loop that never ends.
 *
 * Built and run by scripts/build_luajit.sh against the freshly built
 * libluajit-5.1.a before the build is accepted into the cache.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <luajit.h>

static lua_State *ck_L;

static void ck_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  lua_sethook(L, NULL, 0, 0);
  luaL_error(L, "interrupted!");
}

/* Signal context: only lua_sethook, which LuaJIT allows here. */
static void ck_on_alarm(int sig) {
  (void)sig;
  lua_sethook(ck_L, ck_hook, LUA_MASKCALL | LUA_MASKRET | LUA_MASKCOUNT, 1);
}

static void *ck_watchdog(void *arg) {
  (void)arg;
  sleep(10);
  fprintf(stderr, "checkhook: FAIL: a loop did not end within 10 s (hook ignored, or pairs() bug)\n");
  _exit(1);
  return NULL;
}

int main(void) {
  pthread_t dog;
  struct itimerval tv;
  const char *msg;
  int status;

  ck_L = luaL_newstate();
  if (ck_L == NULL) {
    fprintf(stderr, "checkhook: FAIL: cannot create a Lua state\n");
    return 1;
  }
  luaL_openlibs(ck_L);
  if (luaJIT_setmode(ck_L, 0, LUAJIT_MODE_ENGINE | LUAJIT_MODE_ON) == 0) {
    fprintf(stderr, "checkhook: FAIL: the JIT compiler is not available\n");
    return 1;
  }
  /* Hot pairs() loops: each inner loop becomes a root trace at ITERN. */
  pthread_create(&dog, NULL, ck_watchdog, NULL);
  if (luaL_dostring(ck_L,
        "local t = {} for i = 1, 30 do t['k' .. i] = i end\n"
        "local n = 0\n"
        "for r = 1, 2000 do for k, v in pairs(t) do n = n + v end end\n"
        "assert(n == 2000 * 465, 'pairs loop summed ' .. n)") != 0) {
    fprintf(stderr, "checkhook: FAIL: %s\n", lua_tostring(ck_L, -1));
    return 1;
  }
  /* `n` counts iterations, so we can tell the loop really ran (and was
   * hot enough to be compiled) before the signal came. */
  if (luaL_loadstring(ck_L, "n = 0 while true do n = n + 1 end") != 0) {
    fprintf(stderr, "checkhook: FAIL: %s\n", lua_tostring(ck_L, -1));
    return 1;
  }
  signal(SIGALRM, ck_on_alarm);
  memset(&tv, 0, sizeof tv);
  tv.it_value.tv_usec = 200000;
  setitimer(ITIMER_REAL, &tv, NULL);

  status = lua_pcall(ck_L, 0, 0, 0);
  msg = lua_tostring(ck_L, -1);
  if (status == 0 || msg == NULL || strstr(msg, "interrupted!") == NULL) {
    fprintf(stderr, "checkhook: FAIL: status %d, message %s\n", status, msg ? msg : "(none)");
    return 1;
  }
  lua_getglobal(ck_L, "n");
  printf("checkhook: ok: pairs loops end; compiled loop interrupted after %.0f iterations\n",
         lua_tonumber(ck_L, -1));
  lua_close(ck_L);
  return 0;
}
