/*
 * bytecode.c: load Lua packages from precompiled bytecode when running
 * from the build tree.
 *
 * Parsing torch's Lua sources is about 2 ms of th's start-up; loading
 * the same code as bytecode takes a tenth of that. The build compiles
 * every engine/lua file with `luajit -b -g` (debug info kept, so chunk
 * names, line numbers and tracebacks are those of the source) into
 * <build>/lua-bc/<absolute source path>. Our searcher, placed before
 * Lua's own, uses a compiled copy only when it is at least as new as its
 * source; a source edited after the last build is parsed as usual, so a
 * stale copy is never used.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>

#include "th.h"
#include "th_config.h"

static int bc_mtime(const char *path, struct timespec *t) {
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
  *t = st.st_mtim;
  return 0;
}

static int bc_not_older(const struct timespec *a, const struct timespec *b) {
  return a->tv_sec > b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec >= b->tv_nsec);
}

/* package.loaders entry: returns a loaded chunk, or a message saying why
 * not (require then asks the next searcher). */
static int bc_searcher(lua_State *L) {
  static const char *const templates[] = {"%.*s/%s.lua", "%.*s/%s/init.lua"};
  const char *name = luaL_checkstring(L, 1);
  char rel[PATH_MAX], src[PATH_MAX], bc[PATH_MAX];
  const char *d = TH_BUILD_LUA_DIRS;
  size_t i;
  if (strlen(name) >= sizeof rel) return 0;
  for (i = 0; name[i]; i++) rel[i] = name[i] == '.' ? '/' : name[i];
  rel[i] = '\0';
  while (*d) {
    const char *end = strchr(d, ';');
    int len = (int)(end ? (size_t)(end - d) : strlen(d));
    for (size_t t = 0; t < sizeof templates / sizeof *templates; t++) {
      struct timespec src_time, bc_time;
      int n = snprintf(src, sizeof src, templates[t], len, d, rel);
      if (n < 0 || (size_t)n >= sizeof src || bc_mtime(src, &src_time) != 0) continue;
      n = snprintf(bc, sizeof bc, "%s%s", TH_BUILD_BC_DIR, src);
      if (n > 0 && (size_t)n < sizeof bc && bc_mtime(bc, &bc_time) == 0 &&
          bc_not_older(&bc_time, &src_time)) {
        if (luaL_loadfile(L, bc) == 0) return 1;
        lua_pop(L, 1);   /* unreadable copy: let the source be parsed */
      }
      lua_pushfstring(L, "\n\tno up-to-date bytecode for '%s'", src);
      return 1;
    }
    d += len + (end != NULL);
  }
  return 0;
}

void th_bytecode_setup(lua_State *L) {
  int n;
  lua_getglobal(L, "package");
  lua_getfield(L, -1, "loaders");
  if (!lua_istable(L, -1)) {
    lua_pop(L, 2);
    return;
  }
  /* Insert at position 2: after package.preload, before the Lua files. */
  n = (int)lua_objlen(L, -1);
  for (int i = n; i >= 2; i--) {
    lua_rawgeti(L, -1, i);
    lua_rawseti(L, -2, i + 1);
  }
  lua_pushcfunction(L, bc_searcher);
  lua_rawseti(L, -2, 2);
  lua_pop(L, 2);
}
