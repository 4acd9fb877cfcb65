/*
 * loop.c: the interactive loop (th> prompt), in the lua.c manner:
 *  - a line is first tried as `return <line>`, so expressions print their
 *    values; "=expr" is accepted as shorthand for the same;
 *  - a chunk whose syntax error is at '<eof>' is incomplete: read another
 *    line (prompt "..> ") and try again;
 *  - results are printed with the global `print`.
 * Line input is one function (loop_readline) so that readline, history and
 * completion can replace it without touching the rest.
 */
#define _GNU_SOURCE   /* getline */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "th.h"

#define LOOP_PROMPT "th> "
#define LOOP_PROMPT2 "..> "

/* Pushes the next line without its newline; returns 0 at end of input. */
static int loop_readline(lua_State *L, const char *prompt) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  fputs(prompt, stdout);
  fflush(stdout);
  len = getline(&line, &cap, stdin);
  if (len < 0) {
    free(line);
    return 0;
  }
  if (len > 0 && line[len - 1] == '\n') len--;
  lua_pushlstring(L, line, (size_t)len);
  free(line);
  return 1;
}

/* True when the error message on top says the chunk ended too early. */
static int loop_incomplete(lua_State *L, int status) {
  static const char mark[] = "<eof>'";
  size_t len;
  const char *msg;
  if (status != LUA_ERRSYNTAX) return 0;
  msg = lua_tolstring(L, -1, &len);
  return msg != NULL && len >= sizeof mark - 1 &&
         strcmp(msg + len - (sizeof mark - 1), mark) == 0;
}

/* Reads and compiles one chunk; pushes the function, or an error message.
 * Returns the load status, or -1 at end of input (nothing pushed). */
static int loop_load(lua_State *L) {
  size_t len;
  const char *line;
  int status;
  if (!loop_readline(L, LOOP_PROMPT)) return -1;
  line = lua_tolstring(L, -1, &len);
  /* Expression first: "x" -> "return x", "=x" -> "return x". */
  lua_pushfstring(L, "return %s", line[0] == '=' ? line + 1 : line);
  line = lua_tolstring(L, -1, &len);
  status = luaL_loadbuffer(L, line, len, "=stdin");
  if (status == 0) {
    lua_replace(L, -3);   /* drop the line and the "return" text */
    lua_pop(L, 1);
    return 0;
  }
  lua_pop(L, 2);          /* error, "return" text; the line stays */
  for (;;) {
    line = lua_tolstring(L, -1, &len);
    status = luaL_loadbuffer(L, line, len, "=stdin");
    if (!loop_incomplete(L, status)) break;
    lua_pop(L, 1);        /* the error */
    if (!loop_readline(L, LOOP_PROMPT2)) return status == 0 ? 0 : -1;
    lua_pushliteral(L, "\n");
    lua_insert(L, -2);
    lua_concat(L, 3);     /* chunk .. "\n" .. new line */
  }
  lua_remove(L, -2);      /* the source text */
  return status;
}

void th_loop_run(lua_State *L) {
  int status;
  lua_settop(L, 0);       /* results are counted from the stack bottom */
  while ((status = loop_load(L)) != -1) {
    if (status == 0) status = th_run_call(L, 0, LUA_MULTRET);
    if (status == 0 && lua_gettop(L) > 0) {
      /* Print the results with the global print. */
      int n = lua_gettop(L);
      lua_getglobal(L, "print");
      lua_insert(L, 1);
      status = th_run_call(L, n, 0);
    }
    th_run_report(L, status);
    lua_settop(L, 0);
  }
  fputs("\n", stdout);
  fflush(stdout);
}
