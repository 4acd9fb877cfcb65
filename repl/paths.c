/*
 * paths.c: where th finds Lua packages and libtorchlight, with no
 * environment variables set by hand.
 *
 * Installed (`make install`): th lives in <prefix>/bin, and the packages in
 * <prefix>/share/torchlight/lua. We find <prefix> from /proc/self/exe, so
 * a moved install tree keeps working.
 * Build tree: that directory does not exist next to build/th, so we use the
 * source tree's engine/lua, whose path CMake compiled into th_config.h
 * (and its compiled copies, see bytecode.c).
 *
 * Our directories go first; LuaJIT has already put LUA_PATH/LUA_CPATH (or
 * its defaults) into package.path/cpath, and those stay after ours.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "th.h"
#include "th_config.h"

static int paths_is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The installation prefix (parent of the executable's directory) in buf,
 * or "" when it cannot be found. */
static void paths_prefix(char *buf, size_t n) {
  char exe[PATH_MAX];
  ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
  char *slash;
  buf[0] = '\0';
  if (len <= 0) return;
  exe[len] = '\0';
  slash = strrchr(exe, '/');               /* drop "/th" */
  if (slash == NULL) return;
  *slash = '\0';
  slash = strrchr(exe, '/');               /* drop "/bin" */
  if (slash == NULL) return;
  *slash = '\0';
  snprintf(buf, n, "%s", exe);
}

/* package[field] = <templates expanded for each dir in dirs> .. old value.
 * dirs is a ';'-separated list; each template holds one "%s". */
static void paths_prepend(lua_State *L, const char *field, const char *dirs,
                          const char *const *templates) {
  luaL_Buffer b;
  const char *d = dirs;
  int pkg, old;
  lua_getglobal(L, "package");
  pkg = lua_gettop(L);
  lua_getfield(L, pkg, field);
  old = lua_gettop(L);
  /* The buffer uses stack slots above `old`: refer to both by index. */
  luaL_buffinit(L, &b);
  while (*d) {
    const char *end = strchr(d, ';');
    size_t len = end ? (size_t)(end - d) : strlen(d);
    if (len > 0) {
      for (const char *const *t = templates; *t; t++) {
        luaL_addlstring(&b, d, len);
        luaL_addstring(&b, *t);
        luaL_addchar(&b, ';');
      }
    }
    d += len + (end != NULL);
  }
  if (lua_isstring(L, old)) {
    lua_pushvalue(L, old);
    luaL_addvalue(&b);
  }
  luaL_pushresult(&b);
  lua_setfield(L, pkg, field);
  lua_settop(L, pkg - 1);
}

void th_paths_setup(lua_State *L) {
  static const char *const lua_templates[] = {"/?.lua", "/?/init.lua", NULL};
  static const char *const c_templates[] = {"/?.so", "/lib?.so", NULL};
  char prefix[PATH_MAX], lua_dir[PATH_MAX + 32], lib_dirs[2 * PATH_MAX + 32];

  paths_prefix(prefix, sizeof prefix);
  snprintf(lua_dir, sizeof lua_dir, "%s/share/torchlight/lua", prefix);
  if (prefix[0] && paths_is_dir(lua_dir)) {
    snprintf(lib_dirs, sizeof lib_dirs, "%s/lib/torchlight;%s/lib", prefix, prefix);
    paths_prepend(L, "path", lua_dir, lua_templates);
    paths_prepend(L, "cpath", lib_dirs, c_templates);
  } else {
    paths_prepend(L, "path", TH_BUILD_LUA_DIRS, lua_templates);
    paths_prepend(L, "cpath", TH_BUILD_LIB_DIR, c_templates);
    th_bytecode_setup(L);
  }
}
