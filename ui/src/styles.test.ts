import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const SRC = join(import.meta.dirname, ".");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

const all = files(SRC);
const css = all.filter((f) => f.endsWith(".css"));

describe("the stylesheets", () => {
  it("never use !important (specificity and order decide)", () => {
    const offenders = css.filter((f) => readFileSync(f, "utf8").includes("!important")).map((f) => relative(SRC, f));
    expect(offenders).toEqual([]);
  });

  it("sit beside a component that imports them", () => {
    const sources = all.filter((f) => f.endsWith(".tsx")).map((f) => [f, readFileSync(f, "utf8")] as const);
    const orphans = css
      // The base, and the encryption screens' shared sheet: main.tsx loads them (first and last).
      .filter((f) => !["app.css", "components/security/security.css"].includes(relative(SRC, f)))
      .filter((f) => {
        const name = f.slice(f.lastIndexOf("/") + 1);
        const dir = f.slice(0, f.lastIndexOf("/"));
        return !sources.some(([src, text]) => src.startsWith(dir) && text.includes(`"./${name}"`));
      })
      .map((f) => relative(SRC, f));
    expect(orphans).toEqual([]);
  });

  it("keep app.css to the base: no component's rules", () => {
    const base = readFileSync(join(SRC, "app.css"), "utf8");
    for (const component of [".msg", ".composer", ".room-list", ".right-panel", ".dialog", ".timeline"]) {
      expect(base).not.toContain(`${component} {`);
    }
  });
});
