/** `.help`: the dot commands the shell understands. */
export const DOT_COMMAND_HELP = `.tables                 tables and views, grouped, with what each holds
.schema [NAME]          CREATE statements (of NAME, or of everything)
.mode MODE              table | csv | json | markdown | line
.timer on|off           print each statement's run time
.maxrows N              table mode shows at most N rows (0 = all; default 40)
.output [FILE]          results go to FILE from now on (no FILE: back to the screen)
.once FILE              the next result goes to FILE
.read FILE              run the statements and dot commands in FILE
.help                   this list
.exit, .quit, \\q        leave (or Ctrl-D on an empty line; an unfinished statement is not run)
Ctrl-C                  drop what is typed, or interrupt the running statement`;
