import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  inertLine,
  oneLine
} from "./chunk-OIVOHELA.js";
import {
  summary
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/report/summary.ts
function imageOutput(r) {
  return {
    input: r.input,
    reference: r.reference ?? r.input,
    digest: r.digest ?? null,
    signed: r.signed ?? false,
    alreadySigned: r.alreadySigned ?? false,
    signatureDigest: r.signatureDigest ?? null,
    verified: r.verified ?? null,
    verification: r.verification ?? null,
    error: r.error ?? null
  };
}
function imagesOutput(results) {
  return JSON.stringify(results.map(imageOutput));
}
var MAX_TEXT = 300;
var SHORT_HEX = 12;
function escapeHtml(value) {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
function text(value, max = MAX_TEXT) {
  const line = inertLine(oneLine(value));
  return escapeHtml(line.length > max ? `${line.slice(0, max - 1)}\u2026` : line);
}
function commandBlock(command) {
  return text(command, 4 * MAX_TEXT).replace(/ (?=--)/g, " \\\n    ");
}
var code = (value) => `<code>${text(value)}</code>`;
function shortDigest(digest) {
  if (digest === void 0 || digest === "") return "\u2013";
  const hex = digest.slice(digest.indexOf(":") + 1);
  return `<code title="${text(digest)}">${text(hex.slice(0, SHORT_HEX))}</code>`;
}
var registryOf = (r) => (r.reference ?? r.input).split("/")[0] ?? "";
function sharedRegistry(results) {
  const registries = new Set(results.map(registryOf));
  return registries.size === 1 ? [...registries][0] : void 0;
}
function imageName(r, registry) {
  const reference = r.reference ?? r.input;
  const at = reference.indexOf("@");
  const repository = at < 0 ? reference : reference.slice(0, at);
  const tag = tagOf(r.input, repository);
  const name = tag === void 0 ? repository : `${repository}:${tag}`;
  return registry !== void 0 && name.startsWith(`${registry}/`) ? name.slice(registry.length + 1) : name;
}
function tagOf(input, repository) {
  const withoutDigest = input.split("@")[0] ?? input;
  if (!withoutDigest.startsWith(`${repository}:`)) return void 0;
  return withoutDigest.slice(repository.length + 1);
}
var mark = (symbol, words) => `${symbol}&nbsp;${words.replace(/ /g, "&nbsp;")}`;
var FAILED = mark("\u274C", "failed");
function signCell(r) {
  if (r.alreadySigned) return mark("\u2705", "already signed");
  if (r.signed) return mark("\u2705", "signed");
  if (r.error !== void 0 && r.verification === void 0) return FAILED;
  return "\u2013";
}
function verifyCell(r) {
  switch (r.verification) {
    case "verified":
      return mark("\u2705", "verified");
    case "skipped":
      return mark("\u26A0\uFE0F", "skipped (policy)");
    case "failed":
      return FAILED;
    default:
      return "\u2013";
  }
}
function seconds(r) {
  if (r.signMs === void 0 && r.verifyMs === void 0) return "\u2013";
  return `${(((r.signMs ?? 0) + (r.verifyMs ?? 0)) / 1e3).toFixed(1)} s`;
}
function stepsRun(results, info) {
  return info.ran ?? {
    sign: results.some((r) => r.signed !== void 0 || r.alreadySigned !== void 0),
    verify: results.some((r) => r.verification !== void 0)
  };
}
function plural(count, noun) {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}
function headline(results, info) {
  const ran = stepsRun(results, info);
  const failed = results.filter((r) => r.error !== void 0).length;
  const done = [...ran.sign ? ["signed"] : [], ...ran.verify ? ["verified"] : []].join(" and ");
  const images = plural(results.length, "image");
  if (failed > 0) return `\u274C <b>${failed} of ${images} failed</b>`;
  if (done === "") return `${images} resolved.`;
  if (results.some((r) => r.verification === "skipped")) return `\u26A0\uFE0F ${images}: verification skipped`;
  const already = results.filter((r) => r.alreadySigned === true).length;
  return `\u2705 <b>${images} ${done}</b>${already > 0 ? ` (${already} already signed)` : ""}`;
}
function signerBlock(results, info) {
  const ran = stepsRun(results, info);
  const cert = info.certificate;
  if (cert === void 0) {
    return ran.verify ? "<p><b>Trusted:</b> the trust policy and trust store certificates given in the inputs</p>" : void 0;
  }
  const role = ran.sign ? "Signed with" : "Trusted certificate";
  const vault = hostOf(cert.vaultUrl);
  const lines = [
    `<b>${role}</b> ${code(cert.subject)}`,
    `Key ID ${code(cert.keyId)}`,
    [
      ...vault ? [`Vault ${code(vault)}`] : [],
      `valid until ${text(cert.notAfter.toISOString().slice(0, 10))}`,
      ...ran.sign && info.signatureFormat ? [`Signature format ${code(info.signatureFormat)}`] : []
    ].join(" \xB7 ")
  ];
  return `<p>${lines.join("<br>")}</p>`;
}
function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return void 0;
  }
}
function summaryRows(results, info) {
  const ran = stepsRun(results, info);
  const registry = sharedRegistry(results);
  const header = [
    registry === void 0 ? "Image" : `Image in ${code(registry)}`,
    ...ran.sign ? ["Signing"] : [],
    ...ran.verify ? ["Verification"] : [],
    ...ran.sign || ran.verify ? ["Signature", "Time"] : []
  ].map((data) => ({ data, header: true }));
  const rows = results.flatMap((r) => {
    const row = [
      `${code(imageName(r, registry))} ${shortDigest(r.digest)}`,
      ...ran.sign ? [signCell(r)] : [],
      ...ran.verify ? [verifyCell(r)] : [],
      ...ran.sign || ran.verify ? [shortDigest(r.signatureDigest), seconds(r)] : []
    ].map((data) => ({ data }));
    if (r.error === void 0) return [row];
    return [row, [{ data: `\u21B3 ${text(r.error, 2 * MAX_TEXT)}`, colspan: String(header.length) }]];
  });
  return [header, ...rows];
}
function digestLines(results) {
  return results.flatMap((r) => [
    text(r.input, 4 * MAX_TEXT),
    `  image      ${r.digest ? text(r.digest) : "\u2013"}`,
    ...r.signatureDigest ? [`  signature  ${text(r.signatureDigest)}`] : []
  ]);
}
async function writeSummary(results, info) {
  const summary2 = summary.addHeading("Notation signing with Azure Key Vault", 2).addRaw(`<p>${headline(results, info)}</p>`, true);
  const signer = signerBlock(results, info);
  if (signer !== void 0) summary2.addRaw(signer, true);
  if (info.warnings && info.warnings.length > 0) {
    summary2.addRaw("<p>\u26A0\uFE0F <b>Warnings</b></p>", true).addList(info.warnings.map((warning) => text(warning)));
  }
  summary2.addTable(summaryRows(results, info));
  const commands = info.commands.map(commandBlock);
  const details = [
    "<p><b>Digests</b></p>",
    `<pre><code>${digestLines(results).join("\n")}</code></pre>`,
    ...commands.length > 0 ? ["<p><b>notation commands</b></p>", `<pre><code>${commands.join("\n")}</code></pre>`] : []
  ].join("");
  summary2.addDetails(
    commands.length > 0 ? "Full digests and notation commands" : "Full digests",
    details
  );
  await summary2.write();
}
export {
  escapeHtml,
  headline,
  imageOutput,
  imagesOutput,
  signerBlock,
  summaryRows,
  text,
  writeSummary
};
