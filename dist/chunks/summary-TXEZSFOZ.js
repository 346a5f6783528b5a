import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  oneLine
} from "./chunk-YSYX6BFW.js";
import {
  summary
} from "./chunk-NFKXVFBA.js";
import "./chunk-HANBNIMK.js";

// src/summary.ts
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
var MAX_CELL = 300;
function escapeHtml(value) {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
function cell(value) {
  const line = oneLine(value);
  return escapeHtml(line.length > MAX_CELL ? `${line.slice(0, MAX_CELL - 1)}\u2026` : line);
}
var code = (value) => value === void 0 || value === "" ? "\u2013" : `<code>${cell(value)}</code>`;
function status(r) {
  if (r.alreadySigned) return "already signed";
  if (r.signed) return "signed";
  if (r.error !== void 0) return `\u274C ${cell(r.error)}`;
  return "\u2013";
}
function verifyCell(r) {
  switch (r.verification) {
    case "verified":
      return "\u2705 verified";
    case "skipped":
      return "skipped (policy)";
    case "failed":
      return `\u274C ${cell(r.error ?? "failed")}`;
    default:
      return "\u2013";
  }
}
function seconds(ms) {
  return ms === void 0 ? "\u2013" : `${(ms / 1e3).toFixed(1)} s`;
}
function summaryRows(results, info) {
  const withVerify = results.some((r) => r.verification !== void 0);
  const header = [
    "Image",
    "Digest",
    "Result",
    "Signature digest",
    "Format",
    "Certificate subject",
    "Key ID",
    "Time",
    ...withVerify ? ["Verification"] : []
  ].map((data) => ({ data, header: true }));
  const subject = info.certificate?.subject;
  const keyId = info.certificate?.keyId;
  const rows = results.map((r) => [
    code(r.reference ?? r.input),
    code(r.digest),
    status(r),
    code(r.signatureDigest),
    cell(info.signatureFormat ?? "\u2013"),
    subject === void 0 ? "\u2013" : cell(subject),
    code(keyId),
    seconds(
      r.signMs === void 0 && r.verifyMs === void 0 ? void 0 : (r.signMs ?? 0) + (r.verifyMs ?? 0)
    ),
    ...withVerify ? [verifyCell(r)] : []
  ]);
  return [header, ...rows.map((row) => row.map((data) => ({ data })))];
}
async function writeSummary(results, info) {
  const failedCount = results.filter((r) => r.error !== void 0).length;
  const summary2 = summary.addHeading("Notation signing with Azure Key Vault", 2).addRaw(
    `${results.length} image${results.length === 1 ? "" : "s"}` + (failedCount > 0 ? `, ${failedCount} failed` : "") + ".",
    true
  ).addTable(summaryRows(results, info));
  if (info.commands.length > 0) {
    summary2.addHeading("Commands", 3).addCodeBlock(escapeHtml(info.commands.join("\n")), "sh");
  }
  if (info.warnings && info.warnings.length > 0) {
    summary2.addHeading("Warnings", 3).addList(info.warnings.map(cell));
  }
  await summary2.write();
}
export {
  escapeHtml,
  imageOutput,
  imagesOutput,
  summaryRows,
  writeSummary
};
