// Validates CSAF documents with @secvisogram/csaf-validator-lib (installed in .ci/node by
// .ci/run) in strict mode: validateStrict, the strict schema test (no unknown properties) plus
// the plain schema test, and every mandatory test of CSAF 2.0 section 6.1.
// Usage: node .ci/csaf-validate.mjs FILE... ; prints a JSON array, one result per file:
// {file, isValid, tests_run, failed: [test names], errors: [{test, instancePath, message}]}.
import { readFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const lib = join(dirname(fileURLToPath(import.meta.url)), 'node', 'node_modules', '@secvisogram', 'csaf-validator-lib')
const { default: validateStrict } = await import(join(lib, 'validateStrict.js'))
const schemaTests = await import(join(lib, 'schemaTests.js'))
const mandatoryTests = await import(join(lib, 'mandatoryTests.js'))
const tests = [...Object.values(schemaTests), ...Object.values(mandatoryTests)]

const results = []
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(await readFile(file, 'utf8'))
  const result = await validateStrict(tests, doc)
  const failed = result.tests.filter((t) => !t.isValid)
  results.push({
    file,
    isValid: result.isValid,
    tests_run: result.tests.length,
    failed: failed.map((t) => t.name),
    errors: failed.flatMap((t) => t.errors.map((e) => ({ test: t.name, ...e }))),
  })
}
console.log(JSON.stringify(results, null, 2))
