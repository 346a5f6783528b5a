import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);
import {
  createRestError,
  getClient,
  keyVaultAuthenticationPolicy,
  operationOptionsToRequestParameters,
  parseKeyVaultIdentifier
} from "./chunk-SGDAOKC2.js";
import {
  Poller
} from "./chunk-NHD2DYMY.js";
import {
  RestError,
  bearerTokenAuthenticationPolicyName,
  createClientLogger,
  createTracingClient,
  delay,
  stringToUint8Array,
  uint8ArrayToString
} from "./chunk-6TA3OPV7.js";
import "./chunk-HANBNIMK.js";

// node_modules/@azure/keyvault-secrets/dist/esm/logger.js
var logger = createClientLogger("keyvault-secrets");

// node_modules/@azure/keyvault-secrets/dist/esm/constants.js
var SDK_VERSION = "4.11.2";

// node_modules/@azure/keyvault-secrets/dist/esm/api/keyVaultContext.js
function createKeyVault(endpointParam, credential, options = {}) {
  const endpointUrl = options.endpoint ?? options.baseUrl ?? String(endpointParam);
  const prefixFromOptions = options?.userAgentOptions?.userAgentPrefix;
  const userAgentInfo = `azsdk-js-keyvault-secrets/${SDK_VERSION}`;
  const userAgentPrefix = prefixFromOptions ? `${prefixFromOptions} azsdk-js-api ${userAgentInfo}` : `azsdk-js-api ${userAgentInfo}`;
  const { apiVersion: _, ...updatedOptions } = {
    ...options,
    userAgentOptions: { userAgentPrefix },
    loggingOptions: { logger: options.loggingOptions?.logger ?? logger.info },
    credentials: {
      scopes: options.credentials?.scopes ?? ["https://vault.azure.net/.default"]
    }
  };
  const clientContext = getClient(endpointUrl, credential, updatedOptions);
  clientContext.pipeline.removePolicy({ name: "ApiVersionPolicy" });
  const apiVersion = options.apiVersion ?? "2025-07-01";
  clientContext.pipeline.addPolicy({
    name: "ClientApiVersionPolicy",
    sendRequest: (req, next) => {
      const url = new URL(req.url);
      if (!url.searchParams.get("api-version")) {
        req.url = `${req.url}${Array.from(url.searchParams.keys()).length > 0 ? "&" : "?"}api-version=${apiVersion}`;
      }
      return next(req);
    }
  });
  return { ...clientContext, apiVersion };
}

// node_modules/@azure/keyvault-secrets/dist/esm/models/models.js
function secretSetParametersSerializer(item) {
  return {
    value: item["value"],
    tags: item["tags"],
    contentType: item["contentType"],
    attributes: !item["secretAttributes"] ? item["secretAttributes"] : secretAttributesSerializer(item["secretAttributes"])
  };
}
function secretAttributesSerializer(item) {
  return {
    enabled: item["enabled"],
    nbf: !item["notBefore"] ? item["notBefore"] : item["notBefore"].getTime() / 1e3 | 0,
    exp: !item["expires"] ? item["expires"] : item["expires"].getTime() / 1e3 | 0
  };
}
function secretAttributesDeserializer(item) {
  return {
    enabled: item["enabled"],
    notBefore: !item["nbf"] ? item["nbf"] : new Date(item["nbf"] * 1e3),
    expires: !item["exp"] ? item["exp"] : new Date(item["exp"] * 1e3),
    created: !item["created"] ? item["created"] : new Date(item["created"] * 1e3),
    updated: !item["updated"] ? item["updated"] : new Date(item["updated"] * 1e3),
    recoverableDays: item["recoverableDays"],
    recoveryLevel: item["recoveryLevel"]
  };
}
var KnownDeletionRecoveryLevel;
(function(KnownDeletionRecoveryLevel2) {
  KnownDeletionRecoveryLevel2["Purgeable"] = "Purgeable";
  KnownDeletionRecoveryLevel2["RecoverablePurgeable"] = "Recoverable+Purgeable";
  KnownDeletionRecoveryLevel2["Recoverable"] = "Recoverable";
  KnownDeletionRecoveryLevel2["RecoverableProtectedSubscription"] = "Recoverable+ProtectedSubscription";
  KnownDeletionRecoveryLevel2["CustomizedRecoverablePurgeable"] = "CustomizedRecoverable+Purgeable";
  KnownDeletionRecoveryLevel2["CustomizedRecoverable"] = "CustomizedRecoverable";
  KnownDeletionRecoveryLevel2["CustomizedRecoverableProtectedSubscription"] = "CustomizedRecoverable+ProtectedSubscription";
})(KnownDeletionRecoveryLevel || (KnownDeletionRecoveryLevel = {}));
function secretBundleDeserializer(item) {
  return {
    value: item["value"],
    id: item["id"],
    contentType: item["contentType"],
    attributes: !item["attributes"] ? item["attributes"] : secretAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    kid: item["kid"],
    managed: item["managed"],
    previousVersion: item["previousVersion"]
  };
}
function keyVaultErrorDeserializer(item) {
  return {
    error: !item["error"] ? item["error"] : _keyVaultErrorErrorDeserializer(item["error"])
  };
}
function _keyVaultErrorErrorDeserializer(item) {
  return {
    code: item["code"],
    message: item["message"],
    innerError: !item["innererror"] ? item["innererror"] : _keyVaultErrorErrorDeserializer(item["innererror"])
  };
}
function deletedSecretBundleDeserializer(item) {
  return {
    value: item["value"],
    id: item["id"],
    contentType: item["contentType"],
    attributes: !item["attributes"] ? item["attributes"] : secretAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    kid: item["kid"],
    managed: item["managed"],
    previousVersion: item["previousVersion"],
    recoveryId: item["recoveryId"],
    scheduledPurgeDate: !item["scheduledPurgeDate"] ? item["scheduledPurgeDate"] : new Date(item["scheduledPurgeDate"] * 1e3),
    deletedDate: !item["deletedDate"] ? item["deletedDate"] : new Date(item["deletedDate"] * 1e3)
  };
}
function secretUpdateParametersSerializer(item) {
  return {
    contentType: item["contentType"],
    attributes: !item["secretAttributes"] ? item["secretAttributes"] : secretAttributesSerializer(item["secretAttributes"]),
    tags: item["tags"]
  };
}
function _secretListResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : secretItemArrayDeserializer(item["value"]),
    nextLink: item["nextLink"]
  };
}
function secretItemArrayDeserializer(result) {
  return result.map((item) => {
    return secretItemDeserializer(item);
  });
}
function secretItemDeserializer(item) {
  return {
    id: item["id"],
    attributes: !item["attributes"] ? item["attributes"] : secretAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    contentType: item["contentType"],
    managed: item["managed"]
  };
}
function _deletedSecretListResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : deletedSecretItemArrayDeserializer(item["value"]),
    nextLink: item["nextLink"]
  };
}
function deletedSecretItemArrayDeserializer(result) {
  return result.map((item) => {
    return deletedSecretItemDeserializer(item);
  });
}
function deletedSecretItemDeserializer(item) {
  return {
    id: item["id"],
    attributes: !item["attributes"] ? item["attributes"] : secretAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    contentType: item["contentType"],
    managed: item["managed"],
    recoveryId: item["recoveryId"],
    scheduledPurgeDate: !item["scheduledPurgeDate"] ? item["scheduledPurgeDate"] : new Date(item["scheduledPurgeDate"] * 1e3),
    deletedDate: !item["deletedDate"] ? item["deletedDate"] : new Date(item["deletedDate"] * 1e3)
  };
}
function backupSecretResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : typeof item["value"] === "string" ? stringToUint8Array(item["value"], "base64url") : item["value"]
  };
}
function secretRestoreParametersSerializer(item) {
  return { value: uint8ArrayToString(item["secretBundleBackup"], "base64url") };
}
var KnownContentType;
(function(KnownContentType2) {
  KnownContentType2["PFX"] = "application/x-pkcs12";
  KnownContentType2["PEM"] = "application/x-pem-file";
})(KnownContentType || (KnownContentType = {}));
var KnownVersions;
(function(KnownVersions2) {
  KnownVersions2["V75"] = "7.5";
  KnownVersions2["V76Preview2"] = "7.6-preview.2";
  KnownVersions2["V76"] = "7.6";
  KnownVersions2["V20250701"] = "2025-07-01";
})(KnownVersions || (KnownVersions = {}));

// node_modules/@azure/keyvault-secrets/dist/esm/static-helpers/pagingHelpers.js
function buildPagedAsyncIterator(client, getInitialResponse, processResponseBody, expectedStatuses, options = {}) {
  const itemName = options.itemName ?? "value";
  const nextLinkName = options.nextLinkName ?? "nextLink";
  const pagedResult = {
    getPage: async (pageLink) => {
      const result = pageLink === void 0 ? await getInitialResponse() : await client.pathUnchecked(pageLink).get();
      checkPagingRequest(result, expectedStatuses);
      const results = await processResponseBody(result);
      const nextLink = getNextLink(results, nextLinkName);
      const values = getElements(results, itemName);
      return {
        page: values,
        nextPageLink: nextLink
      };
    },
    byPage: (settings) => {
      const { continuationToken } = settings ?? {};
      return getPageAsyncIterator(pagedResult, {
        pageLink: continuationToken
      });
    }
  };
  return getPagedAsyncIterator(pagedResult);
}
function getPagedAsyncIterator(pagedResult) {
  const iter = getItemAsyncIterator(pagedResult);
  return {
    next() {
      return iter.next();
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    byPage: pagedResult?.byPage ?? ((settings) => {
      const { continuationToken } = settings ?? {};
      return getPageAsyncIterator(pagedResult, {
        pageLink: continuationToken
      });
    })
  };
}
async function* getItemAsyncIterator(pagedResult) {
  const pages = getPageAsyncIterator(pagedResult);
  for await (const page of pages) {
    yield* page;
  }
}
async function* getPageAsyncIterator(pagedResult, options = {}) {
  const { pageLink } = options;
  let response = await pagedResult.getPage(pageLink ?? pagedResult.firstPageLink);
  if (!response) {
    return;
  }
  let result = response.page;
  result.continuationToken = response.nextPageLink;
  yield result;
  while (response.nextPageLink) {
    response = await pagedResult.getPage(response.nextPageLink);
    if (!response) {
      return;
    }
    result = response.page;
    result.continuationToken = response.nextPageLink;
    yield result;
  }
}
function getNextLink(body, nextLinkName) {
  if (!nextLinkName) {
    return void 0;
  }
  const nextLink = body[nextLinkName];
  if (typeof nextLink !== "string" && typeof nextLink !== "undefined" && nextLink !== null) {
    throw new RestError(`Body Property ${nextLinkName} should be a string or undefined or null but got ${typeof nextLink}`);
  }
  if (nextLink === null) {
    return void 0;
  }
  return nextLink;
}
function getElements(body, itemName) {
  const value = body[itemName];
  if (!Array.isArray(value)) {
    throw new RestError(`Couldn't paginate response
 Body doesn't contain an array property with name: ${itemName}`);
  }
  return value ?? [];
}
function checkPagingRequest(response, expectedStatuses) {
  if (!expectedStatuses.includes(response.status)) {
    throw createRestError(`Pagination failed with unexpected statusCode ${response.status}`, response);
  }
}

// node_modules/@azure/keyvault-secrets/dist/esm/static-helpers/urlTemplate.js
function encodeComponent(val, reserved, op) {
  return (reserved ?? op === "+") || op === "#" ? encodeReservedComponent(val) : encodeRFC3986URIComponent(val);
}
function encodeReservedComponent(str) {
  return str.split(/(%[0-9A-Fa-f]{2})/g).map((part) => !/%[0-9A-Fa-f]/.test(part) ? encodeURI(part) : part).join("");
}
function encodeRFC3986URIComponent(str) {
  return encodeURIComponent(str).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function isDefined(val) {
  return val !== void 0 && val !== null;
}
function getNamedAndIfEmpty(op) {
  return [!!op && [";", "?", "&"].includes(op), !!op && ["?", "&"].includes(op) ? "=" : ""];
}
function getFirstOrSep(op, isFirst = false) {
  if (isFirst) {
    return !op || op === "+" ? "" : op;
  } else if (!op || op === "+" || op === "#") {
    return ",";
  } else if (op === "?") {
    return "&";
  } else {
    return op;
  }
}
function getExpandedValue(option) {
  let isFirst = option.isFirst;
  const { op, varName, varValue: value, reserved } = option;
  const vals = [];
  const [named, ifEmpty] = getNamedAndIfEmpty(op);
  if (Array.isArray(value)) {
    for (const val of value.filter(isDefined)) {
      vals.push(`${getFirstOrSep(op, isFirst)}`);
      if (named && varName) {
        vals.push(`${encodeURIComponent(varName)}`);
        val === "" ? vals.push(ifEmpty) : vals.push("=");
      }
      vals.push(encodeComponent(val, reserved, op));
      isFirst = false;
    }
  } else if (typeof value === "object") {
    for (const key of Object.keys(value)) {
      const val = value[key];
      if (!isDefined(val)) {
        continue;
      }
      vals.push(`${getFirstOrSep(op, isFirst)}`);
      if (key) {
        vals.push(`${encodeURIComponent(key)}`);
        named && val === "" ? vals.push(ifEmpty) : vals.push("=");
      }
      vals.push(encodeComponent(val, reserved, op));
      isFirst = false;
    }
  }
  return vals.join("");
}
function getNonExpandedValue(option) {
  const { op, varName, varValue: value, isFirst, reserved } = option;
  const vals = [];
  const first = getFirstOrSep(op, isFirst);
  const [named, ifEmpty] = getNamedAndIfEmpty(op);
  if (named && varName) {
    vals.push(encodeComponent(varName, reserved, op));
    if (value === "") {
      if (!ifEmpty) {
        vals.push(ifEmpty);
      }
      return !vals.join("") ? void 0 : `${first}${vals.join("")}`;
    }
    vals.push("=");
  }
  const items = [];
  if (Array.isArray(value)) {
    for (const val of value.filter(isDefined)) {
      items.push(encodeComponent(val, reserved, op));
    }
  } else if (typeof value === "object") {
    for (const key of Object.keys(value)) {
      if (!isDefined(value[key])) {
        continue;
      }
      items.push(encodeRFC3986URIComponent(key));
      items.push(encodeComponent(value[key], reserved, op));
    }
  }
  vals.push(items.join(","));
  return !vals.join(",") ? void 0 : `${first}${vals.join("")}`;
}
function getVarValue(option) {
  const { op, varName, modifier, isFirst, reserved, varValue: value } = option;
  if (!isDefined(value)) {
    return void 0;
  } else if (["string", "number", "boolean"].includes(typeof value)) {
    let val = value.toString();
    const [named, ifEmpty] = getNamedAndIfEmpty(op);
    const vals = [getFirstOrSep(op, isFirst)];
    if (named && varName) {
      vals.push(varName);
      val === "" ? vals.push(ifEmpty) : vals.push("=");
    }
    if (modifier && modifier !== "*") {
      val = val.substring(0, parseInt(modifier, 10));
    }
    vals.push(encodeComponent(val, reserved, op));
    return vals.join("");
  } else if (modifier === "*") {
    return getExpandedValue(option);
  } else {
    return getNonExpandedValue(option);
  }
}
function expandUrlTemplate(template, context, option) {
  return template.replace(/\{([^\{\}]+)\}|([^\{\}]+)/g, (_, expr, text) => {
    if (!expr) {
      return encodeReservedComponent(text);
    }
    let op;
    if (["+", "#", ".", "/", ";", "?", "&"].includes(expr[0])) {
      op = expr[0], expr = expr.slice(1);
    }
    const varList = expr.split(/,/g);
    const result = [];
    for (const varSpec of varList) {
      const varMatch = /([^:\*]*)(?::(\d+)|(\*))?/.exec(varSpec);
      if (!varMatch || !varMatch[1]) {
        continue;
      }
      const varValue = getVarValue({
        isFirst: result.length === 0,
        op,
        varValue: context[varMatch[1]],
        varName: varMatch[1],
        modifier: varMatch[2] || varMatch[3],
        reserved: option?.allowReserved
      });
      if (varValue) {
        result.push(varValue);
      }
    }
    return result.join("");
  });
}

// node_modules/@azure/keyvault-secrets/dist/esm/api/operations.js
function _restoreSecretSend(context, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/restore{?api%2Dversion}", {
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).post({
    ...operationOptionsToRequestParameters(options),
    contentType: "application/json",
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    },
    body: secretRestoreParametersSerializer(parameters)
  });
}
async function _restoreSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return secretBundleDeserializer(result.body);
}
async function restoreSecret(context, parameters, options = { requestOptions: {} }) {
  const result = await _restoreSecretSend(context, parameters, options);
  return _restoreSecretDeserialize(result);
}
function _backupSecretSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}/backup{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).post({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _backupSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return backupSecretResultDeserializer(result.body);
}
async function backupSecret(context, secretName, options = { requestOptions: {} }) {
  const result = await _backupSecretSend(context, secretName, options);
  return _backupSecretDeserialize(result);
}
function _recoverDeletedSecretSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedsecrets/{secret-name}/recover{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).post({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _recoverDeletedSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return secretBundleDeserializer(result.body);
}
async function recoverDeletedSecret(context, secretName, options = { requestOptions: {} }) {
  const result = await _recoverDeletedSecretSend(context, secretName, options);
  return _recoverDeletedSecretDeserialize(result);
}
function _purgeDeletedSecretSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedsecrets/{secret-name}{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).delete({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _purgeDeletedSecretDeserialize(result) {
  const expectedStatuses = ["204"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return;
}
async function purgeDeletedSecret(context, secretName, options = { requestOptions: {} }) {
  const result = await _purgeDeletedSecretSend(context, secretName, options);
  return _purgeDeletedSecretDeserialize(result);
}
function _getDeletedSecretSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedsecrets/{secret-name}{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).get({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _getDeletedSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return deletedSecretBundleDeserializer(result.body);
}
async function getDeletedSecret(context, secretName, options = { requestOptions: {} }) {
  const result = await _getDeletedSecretSend(context, secretName, options);
  return _getDeletedSecretDeserialize(result);
}
function _getDeletedSecretsSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedsecrets{?api%2Dversion,maxresults}", {
    "api%2Dversion": context.apiVersion,
    maxresults: options?.maxresults
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).get({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _getDeletedSecretsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _deletedSecretListResultDeserializer(result.body);
}
function getDeletedSecrets(context, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getDeletedSecretsSend(context, options), _getDeletedSecretsDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _getSecretVersionsSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}/versions{?api%2Dversion,maxresults}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion,
    maxresults: options?.maxresults
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).get({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _getSecretVersionsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _secretListResultDeserializer(result.body);
}
function getSecretVersions(context, secretName, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getSecretVersionsSend(context, secretName, options), _getSecretVersionsDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _getSecretsSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets{?api%2Dversion,maxresults}", {
    "api%2Dversion": context.apiVersion,
    maxresults: options?.maxresults
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).get({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _getSecretsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _secretListResultDeserializer(result.body);
}
function getSecrets(context, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getSecretsSend(context, options), _getSecretsDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _getSecretSend(context, secretName, secretVersion, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}/{secret-version}{?api%2Dversion,outContentType}", {
    "secret-name": secretName,
    "secret-version": secretVersion,
    "api%2Dversion": context.apiVersion,
    outContentType: options?.outContentType
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).get({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _getSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return secretBundleDeserializer(result.body);
}
async function getSecret(context, secretName, secretVersion, options = { requestOptions: {} }) {
  const result = await _getSecretSend(context, secretName, secretVersion, options);
  return _getSecretDeserialize(result);
}
function _updateSecretSend(context, secretName, secretVersion, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}/{secret-version}{?api%2Dversion}", {
    "secret-name": secretName,
    "secret-version": secretVersion,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).patch({
    ...operationOptionsToRequestParameters(options),
    contentType: "application/json",
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    },
    body: secretUpdateParametersSerializer(parameters)
  });
}
async function _updateSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return secretBundleDeserializer(result.body);
}
async function updateSecret(context, secretName, secretVersion, parameters, options = { requestOptions: {} }) {
  const result = await _updateSecretSend(context, secretName, secretVersion, parameters, options);
  return _updateSecretDeserialize(result);
}
function _deleteSecretSend(context, secretName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).delete({
    ...operationOptionsToRequestParameters(options),
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    }
  });
}
async function _deleteSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return deletedSecretBundleDeserializer(result.body);
}
async function deleteSecret(context, secretName, options = { requestOptions: {} }) {
  const result = await _deleteSecretSend(context, secretName, options);
  return _deleteSecretDeserialize(result);
}
function _setSecretSend(context, secretName, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/secrets/{secret-name}{?api%2Dversion}", {
    "secret-name": secretName,
    "api%2Dversion": context.apiVersion
  }, {
    allowReserved: options?.requestOptions?.skipUrlEncoding
  });
  return context.path(path).put({
    ...operationOptionsToRequestParameters(options),
    contentType: "application/json",
    headers: {
      accept: "application/json",
      ...options.requestOptions?.headers
    },
    body: secretSetParametersSerializer(parameters)
  });
}
async function _setSecretDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return secretBundleDeserializer(result.body);
}
async function setSecret(context, secretName, parameters, options = { requestOptions: {} }) {
  const result = await _setSecretSend(context, secretName, parameters, options);
  return _setSecretDeserialize(result);
}

// node_modules/@azure/keyvault-secrets/dist/esm/keyVaultClient.js
var KeyVaultClient = class {
  _client;
  /** The pipeline used by this client to make requests */
  pipeline;
  /** The key vault client performs cryptographic key operations and vault operations against the Key Vault service. */
  constructor(endpointParam, credential, options = {}) {
    const prefixFromOptions = options?.userAgentOptions?.userAgentPrefix;
    const userAgentPrefix = prefixFromOptions ? `${prefixFromOptions} azsdk-js-client` : `azsdk-js-client`;
    this._client = createKeyVault(endpointParam, credential, {
      ...options,
      userAgentOptions: { userAgentPrefix }
    });
    this.pipeline = this._client.pipeline;
  }
  /** Restores a backed up secret, and all its versions, to a vault. This operation requires the secrets/restore permission. */
  restoreSecret(parameters, options = { requestOptions: {} }) {
    return restoreSecret(this._client, parameters, options);
  }
  /** Requests that a backup of the specified secret be downloaded to the client. All versions of the secret will be downloaded. This operation requires the secrets/backup permission. */
  backupSecret(secretName, options = { requestOptions: {} }) {
    return backupSecret(this._client, secretName, options);
  }
  /** Recovers the deleted secret in the specified vault. This operation can only be performed on a soft-delete enabled vault. This operation requires the secrets/recover permission. */
  recoverDeletedSecret(secretName, options = { requestOptions: {} }) {
    return recoverDeletedSecret(this._client, secretName, options);
  }
  /** The purge deleted secret operation removes the secret permanently, without the possibility of recovery. This operation can only be enabled on a soft-delete enabled vault. This operation requires the secrets/purge permission. */
  purgeDeletedSecret(secretName, options = { requestOptions: {} }) {
    return purgeDeletedSecret(this._client, secretName, options);
  }
  /** The Get Deleted Secret operation returns the specified deleted secret along with its attributes. This operation requires the secrets/get permission. */
  getDeletedSecret(secretName, options = { requestOptions: {} }) {
    return getDeletedSecret(this._client, secretName, options);
  }
  /** The Get Deleted Secrets operation returns the secrets that have been deleted for a vault enabled for soft-delete. This operation requires the secrets/list permission. */
  getDeletedSecrets(options = { requestOptions: {} }) {
    return getDeletedSecrets(this._client, options);
  }
  /** The full secret identifier and attributes are provided in the response. No values are returned for the secrets. This operations requires the secrets/list permission. */
  getSecretVersions(secretName, options = { requestOptions: {} }) {
    return getSecretVersions(this._client, secretName, options);
  }
  /** The Get Secrets operation is applicable to the entire vault. However, only the base secret identifier and its attributes are provided in the response. Individual secret versions are not listed in the response. This operation requires the secrets/list permission. */
  getSecrets(options = { requestOptions: {} }) {
    return getSecrets(this._client, options);
  }
  /** The GET operation is applicable to any secret stored in Azure Key Vault. This operation requires the secrets/get permission. */
  getSecret(secretName, secretVersion, options = { requestOptions: {} }) {
    return getSecret(this._client, secretName, secretVersion, options);
  }
  /** The UPDATE operation changes specified attributes of an existing stored secret. Attributes that are not specified in the request are left unchanged. The value of a secret itself cannot be changed. This operation requires the secrets/set permission. */
  updateSecret(secretName, secretVersion, parameters, options = { requestOptions: {} }) {
    return updateSecret(this._client, secretName, secretVersion, parameters, options);
  }
  /** The DELETE operation applies to any secret stored in Azure Key Vault. DELETE cannot be applied to an individual version of a secret. This operation requires the secrets/delete permission. */
  deleteSecret(secretName, options = { requestOptions: {} }) {
    return deleteSecret(this._client, secretName, options);
  }
  /** The SET operation adds a secret to the Azure Key Vault. If the named secret already exists, Azure Key Vault creates a new version of that secret. This operation requires the secrets/set permission. */
  setSecret(secretName, parameters, options = { requestOptions: {} }) {
    return setSecret(this._client, secretName, parameters, options);
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/secretsModels.js
var LATEST_API_VERSION = "2025-07-01";

// node_modules/@azure/keyvault-secrets/dist/esm/identifier.js
function parseKeyVaultSecretIdentifier(id) {
  const urlParts = id.split("/");
  const collection = urlParts[3];
  return {
    sourceId: id,
    ...parseKeyVaultIdentifier(collection, id)
  };
}

// node_modules/@azure/keyvault-secrets/dist/esm/transformations.js
function getSecretFromSecretBundle(bundle) {
  const secretBundle = bundle;
  const deletedSecretBundle = bundle;
  const parsedId = parseKeyVaultSecretIdentifier(secretBundle.id);
  const attributes = secretBundle.attributes;
  delete secretBundle.attributes;
  const resultObject = {
    value: secretBundle.value,
    name: parsedId.name,
    properties: {
      expiresOn: attributes?.expires,
      createdOn: attributes?.created,
      updatedOn: attributes?.updated,
      enabled: attributes?.enabled,
      notBefore: attributes?.notBefore,
      recoverableDays: attributes?.recoverableDays,
      recoveryLevel: attributes?.recoveryLevel,
      id: secretBundle.id,
      contentType: secretBundle.contentType,
      tags: secretBundle.tags,
      managed: secretBundle.managed,
      previousVersion: secretBundle.previousVersion,
      vaultUrl: parsedId.vaultUrl,
      version: parsedId.version,
      name: parsedId.name,
      certificateKeyId: secretBundle.kid
    }
  };
  if (deletedSecretBundle.recoveryId) {
    resultObject.properties.recoveryId = deletedSecretBundle.recoveryId;
    resultObject.properties.scheduledPurgeDate = deletedSecretBundle.scheduledPurgeDate;
    resultObject.properties.deletedOn = deletedSecretBundle.deletedDate;
    resultObject.recoveryId = deletedSecretBundle.recoveryId;
    resultObject.scheduledPurgeDate = deletedSecretBundle.scheduledPurgeDate;
    resultObject.deletedOn = deletedSecretBundle.deletedDate;
  }
  if (attributes) {
    if (attributes.vaultUrl) {
      delete resultObject.properties.vaultUrl;
    }
    if (attributes.expires) {
      delete resultObject.properties.expires;
    }
    if (attributes.created) {
      delete resultObject.properties.created;
    }
    if (attributes.updated) {
      delete resultObject.properties.updated;
    }
  }
  return resultObject;
}
function mapPagedAsyncIterable(operation, operationOptions, mapper) {
  let iter = void 0;
  return {
    async next() {
      iter ??= operation({ ...operationOptions, maxresults: void 0 });
      const result = await iter.next();
      return {
        ...result,
        value: result.value && mapper(result.value)
      };
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async *byPage(settings) {
      const iteratorByPage = operation({
        ...operationOptions,
        maxresults: settings?.maxPageSize
      }).byPage(settings);
      for await (const page of iteratorByPage) {
        yield page.map(mapper);
      }
    }
  };
}

// node_modules/@azure/keyvault-secrets/dist/esm/tracing.js
var tracingClient = createTracingClient({
  namespace: "Microsoft.KeyVault",
  packageName: "@azure/keyvault-secrets",
  packageVersion: SDK_VERSION
});

// node_modules/@azure/keyvault-secrets/dist/esm/lro/keyVaultSecretPoller.js
var KeyVaultSecretPoller = class extends Poller {
  /**
   * Defines how much time the poller is going to wait before making a new request to the service.
   */
  intervalInMs = 2e3;
  /**
   * The method used by the poller to wait before attempting to update its operation.
   */
  async delay() {
    return delay(this.intervalInMs);
  }
};
var KeyVaultSecretPollOperation = class {
  state;
  cancelMessage = "";
  constructor(state, options = {}) {
    this.state = state;
    if (options.cancelMessage) {
      this.cancelMessage = options.cancelMessage;
    }
  }
  /**
   * Meant to reach to the service and update the Poller operation.
   * @param options - The optional parameters, which is only an abortSignal from \@azure/abort-controller
   */
  async update() {
    throw new Error("Operation not supported.");
  }
  /**
   * Meant to reach to the service and cancel the Poller operation.
   * @param options - The optional parameters, which is only an abortSignal from \@azure/abort-controller
   */
  async cancel() {
    throw new Error(this.cancelMessage);
  }
  /**
   * Serializes the Poller operation.
   */
  toString() {
    return JSON.stringify({
      state: this.state
    });
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/lro/delete/operation.js
var DeleteSecretPollOperation = class extends KeyVaultSecretPollOperation {
  state;
  client;
  operationOptions;
  constructor(state, client, operationOptions = {}) {
    super(state, { cancelMessage: "Canceling the deletion of a secret is not supported." });
    this.state = state;
    this.client = client;
    this.operationOptions = operationOptions;
  }
  /**
   * Sends a delete request for the given Key Vault Key's name to the Key Vault service.
   * Since the Key Vault Key won't be immediately deleted, we have {@link beginDeleteKey}.
   */
  deleteSecret(name, options = {}) {
    return tracingClient.withSpan("DeleteSecretPoller.deleteSecret", options, async (updatedOptions) => {
      const response = await this.client.deleteSecret(name, updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * The getDeletedSecret method returns the specified deleted secret along with its properties.
   * This operation requires the secrets/get permission.
   */
  getDeletedSecret(name, options = {}) {
    return tracingClient.withSpan("DeleteSecretPoller.getDeletedSecret", options, async (updatedOptions) => {
      const response = await this.client.getDeletedSecret(name, updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * Reaches to the service and updates the delete secret's poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const { name } = state;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      const deletedSecret = await this.deleteSecret(name, this.operationOptions);
      state.isStarted = true;
      state.result = deletedSecret;
      if (!deletedSecret.properties.recoveryId) {
        state.isCompleted = true;
      }
    }
    if (!state.isCompleted) {
      try {
        state.result = await this.getDeletedSecret(name, this.operationOptions);
        state.isCompleted = true;
      } catch (error) {
        if (error.statusCode === 403) {
          state.isCompleted = true;
        } else if (error.statusCode !== 404) {
          state.error = error;
          state.isCompleted = true;
          throw error;
        }
      }
    }
    return this;
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/lro/delete/poller.js
var DeleteSecretPoller = class extends KeyVaultSecretPoller {
  constructor(options) {
    const { client, name, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new DeleteSecretPollOperation({
      ...state,
      name
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/lro/recover/operation.js
var RecoverDeletedSecretPollOperation = class extends KeyVaultSecretPollOperation {
  state;
  client;
  options;
  constructor(state, client, options = {}) {
    super(state, { cancelMessage: "Canceling the recovery of a deleted secret is not supported." });
    this.state = state;
    this.client = client;
    this.options = options;
  }
  /**
   * The getSecret method returns the specified secret along with its properties.
   * This operation requires the secrets/get permission.
   */
  getSecret(name, options = {}) {
    return tracingClient.withSpan("RecoverDeletedSecretPoller.getSecret", options, async (updatedOptions) => {
      const response = await this.client.getSecret(name, options && options.version ? options.version : "", updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * The recoverDeletedSecret method recovers the specified deleted secret along with its properties.
   * This operation requires the secrets/recover permission.
   */
  recoverDeletedSecret(name, options = {}) {
    return tracingClient.withSpan("RecoverDeletedSecretPoller.recoverDeletedSecret", options, async (updatedOptions) => {
      const response = await this.client.recoverDeletedSecret(name, updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * Reaches to the service and updates the delete secret's poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const { name } = state;
    if (options.abortSignal) {
      this.options.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      try {
        state.result = (await this.getSecret(name, this.options)).properties;
        state.isCompleted = true;
      } catch {
      }
      if (!state.isCompleted) {
        state.result = (await this.recoverDeletedSecret(name, this.options)).properties;
        state.isStarted = true;
      }
    }
    if (!state.isCompleted) {
      try {
        state.result = (await this.getSecret(name, this.options)).properties;
        state.isCompleted = true;
      } catch (error) {
        if (error.statusCode === 403) {
          state.isCompleted = true;
        } else if (error.statusCode !== 404) {
          state.error = error;
          state.isCompleted = true;
          throw error;
        }
      }
    }
    return this;
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/lro/recover/poller.js
var RecoverDeletedSecretPoller = class extends KeyVaultSecretPoller {
  constructor(options) {
    const { client, name, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new RecoverDeletedSecretPollOperation({
      ...state,
      name
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
};

// node_modules/@azure/keyvault-secrets/dist/esm/index.js
var SecretClient = class {
  /**
   * The base URL to the vault
   */
  vaultUrl;
  /**
   * A reference to the auto-generated KeyVault HTTP client.
   */
  client;
  /**
   * Creates an instance of SecretClient.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleCreateClient
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * // Build the URL to reach your key vault
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * // Lastly, create our secrets client and connect to the service
   * const client = new SecretClient(url, credential);
   * ```
   * @param vaultUrl - The base URL to the vault. You should validate that this URL references a valid Key Vault resource. See https://aka.ms/azsdk/blog/vault-uri for details.
   * @param credential - An object that implements the `TokenCredential` interface used to authenticate requests to the service. Use the \@azure/identity package to create a credential that suits your needs.
   * @param pipelineOptions - Pipeline options used to configure Key Vault API requests.
   *                          Omit this parameter to use the default pipeline configuration.
   */
  constructor(vaultUrl, credential, pipelineOptions = {}) {
    this.vaultUrl = vaultUrl;
    const internalPipelineOptions = {
      ...pipelineOptions,
      userAgentOptions: {
        userAgentPrefix: `${pipelineOptions.userAgentOptions?.userAgentPrefix ?? ""} azsdk-js-keyvault-secrets/${SDK_VERSION}`
      },
      apiVersion: pipelineOptions.serviceVersion || LATEST_API_VERSION,
      loggingOptions: {
        logger: logger.info,
        additionalAllowedHeaderNames: [
          "x-ms-keyvault-region",
          "x-ms-keyvault-network-info",
          "x-ms-keyvault-service-version"
        ]
      }
    };
    this.client = new KeyVaultClient(this.vaultUrl, credential, internalPipelineOptions);
    this.client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
    this.client.pipeline.addPolicy(keyVaultAuthenticationPolicy(credential, pipelineOptions), {});
    this.client.pipeline.addPolicy({
      name: "ContentTypePolicy",
      sendRequest(request, next) {
        const contentType = request.headers.get("Content-Type") ?? "";
        if (contentType.startsWith("application/json")) {
          request.headers.set("Content-Type", "application/json");
        }
        return next(request);
      }
    });
  }
  /**
   * The setSecret method adds a secret or secret version to the Azure Key Vault. If the named secret
   * already exists, Azure Key Vault creates a new version of that secret.
   * This operation requires the secrets/set permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleCreateSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const result = await client.setSecret(secretName, "MySecretValue");
   * console.log("result: ", result);
   * ```
   * Adds a secret in a specified key vault.
   * @param secretName - The name of the secret.
   * @param value - The value of the secret.
   * @param options - The optional parameters.
   */
  setSecret(secretName, value, options = {}) {
    const { contentType, enabled, notBefore, expiresOn: expires, tags, ...remainingOptions } = options;
    return tracingClient.withSpan("SecretClient.setSecret", remainingOptions, async (updatedOptions) => {
      const response = await this.client.setSecret(secretName, { value, contentType, secretAttributes: { enabled, notBefore, expires }, tags }, updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * Deletes a secret stored in Azure Key Vault.
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the secret is deleted.
   *
   * This operation requires the secrets/delete permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleDeleteSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * await client.beginDeleteSecret(secretName);
   * ```
   * Deletes a secret from a specified key vault.
   * @param secretName - The name of the secret.
   * @param options - The optional parameters.
   */
  async beginDeleteSecret(name, options = {}) {
    const poller = new DeleteSecretPoller({
      name,
      client: this.client,
      ...options,
      operationOptions: options
    });
    await poller.poll();
    return poller;
  }
  /**
   * The updateSecret method changes specified attributes of an existing stored secret. Properties that
   * are not specified in the request are left unchanged. The value of a secret itself cannot be
   * changed. This operation requires the secrets/set permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleUpdateSecretAttributes
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const result = await client.getSecret(secretName);
   * await client.updateSecretProperties(secretName, result.properties.version, { enabled: false });
   * ```
   * Updates the attributes associated with a specified secret in a given key vault.
   * @param secretName - The name of the secret.
   * @param secretVersion - The version of the secret.
   * @param options - The optional parameters.
   */
  async updateSecretProperties(secretName, secretVersion, options = {}) {
    const { contentType, enabled, notBefore, expiresOn: expires, tags, ...remainingOptions } = options;
    return tracingClient.withSpan("SecretClient.updateSecretProperties", remainingOptions, async (updatedOptions) => {
      const response = await this.client.updateSecret(secretName, secretVersion, { contentType, secretAttributes: { enabled, notBefore, expires }, tags }, updatedOptions);
      return getSecretFromSecretBundle(response).properties;
    });
  }
  /**
   * The getSecret method is applicable to any secret stored in Azure Key Vault. This operation requires
   * the secrets/get permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleGetSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const latestSecret = await client.getSecret(secretName);
   * console.log(`Latest version of the secret ${secretName}: `, latestSecret);
   *
   * const specificSecret = await client.getSecret(secretName, {
   *   version: latestSecret.properties.version!,
   * });
   * console.log(
   *   `The secret ${secretName} at the version ${latestSecret.properties.version!}: `,
   *   specificSecret,
   * );
   * ```
   * Get a specified secret from a given key vault.
   * @param secretName - The name of the secret.
   * @param options - The optional parameters.
   */
  getSecret(secretName, options = {}) {
    return tracingClient.withSpan("SecretClient.getSecret", options, async (updatedOptions) => {
      const response = await this.client.getSecret(secretName, options && options.version ? options.version : "", updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * The getDeletedSecret method returns the specified deleted secret along with its attributes.
   * This operation requires the secrets/get permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleGetDeletedSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const result = await client.getDeletedSecret("MyDeletedSecret");
   * ```
   * Gets the specified deleted secret.
   * @param secretName - The name of the secret.
   * @param options - The optional parameters.
   */
  getDeletedSecret(secretName, options = {}) {
    return tracingClient.withSpan("SecretClient.getDeletedSecret", options, async (updatedOptions) => {
      const response = await this.client.getDeletedSecret(secretName, updatedOptions);
      return getSecretFromSecretBundle(response);
    });
  }
  /**
   * The purge deleted secret operation removes the secret permanently, without the possibility of
   * recovery. This operation can only be enabled on a soft-delete enabled vault. This operation
   * requires the secrets/purge permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSamplePurgeDeletedSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const deletePoller = await client.beginDeleteSecret(secretName);
   * await deletePoller.pollUntilDone();
   *
   * await client.purgeDeletedSecret(secretName);
   * ```
   * Permanently deletes the specified secret.
   * @param secretName - The name of the secret.
   * @param options - The optional parameters.
   */
  purgeDeletedSecret(secretName, options = {}) {
    return tracingClient.withSpan("SecretClient.purgeDeletedSecret", options, async (updatedOptions) => {
      await this.client.purgeDeletedSecret(secretName, updatedOptions);
    });
  }
  /**
   * Recovers the deleted secret in the specified vault.
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the secret is recovered.
   *
   * This operation requires the secrets/recover permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleRecoverDeletedSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const deletePoller = await client.beginDeleteSecret(secretName);
   * await deletePoller.pollUntilDone();
   *
   * const recoverPoller = await client.beginRecoverDeletedSecret(secretName);
   * const deletedSecret = await recoverPoller.pollUntilDone();
   * console.log(deletedSecret);
   * ```
   * Recovers the deleted secret to the latest version.
   * @param secretName - The name of the deleted secret.
   * @param options - The optional parameters.
   */
  async beginRecoverDeletedSecret(name, options = {}) {
    const poller = new RecoverDeletedSecretPoller({
      name,
      client: this.client,
      ...options,
      operationOptions: options
    });
    await poller.poll();
    return poller;
  }
  /**
   * Requests that a backup of the specified secret be downloaded to the client. All versions of the
   * secret will be downloaded. This operation requires the secrets/backup permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleBackupSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const backupResult = await client.backupSecret(secretName);
   * ```
   * Backs up the specified secret.
   * @param secretName - The name of the secret.
   * @param options - The optional parameters.
   */
  backupSecret(secretName, options = {}) {
    return tracingClient.withSpan("SecretClient.backupSecret", options, async (updatedOptions) => {
      const response = await this.client.backupSecret(secretName, updatedOptions);
      return response.value;
    });
  }
  /**
   * Restores a backed up secret, and all its versions, to a vault. This operation requires the
   * secrets/restore permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleRestoreSecret
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * const backupResult = await client.backupSecret(secretName);
   *
   * await client.restoreSecretBackup(backupResult);
   * ```
   * Restores a backed up secret to a vault.
   * @param secretBundleBackup - The backup blob associated with a secret bundle.
   * @param options - The optional parameters.
   */
  restoreSecretBackup(secretBundleBackup, options = {}) {
    return tracingClient.withSpan("SecretClient.restoreSecretBackup", options, async (updatedOptions) => {
      const response = await this.client.restoreSecret({ secretBundleBackup }, updatedOptions);
      return getSecretFromSecretBundle(response).properties;
    });
  }
  /**
   * Iterates all versions of the given secret in the vault. The full secret identifier and attributes are provided
   * in the response. No values are returned for the secrets. This operations requires the secrets/list permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleListSecrets
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * for await (const secretProperties of client.listPropertiesOfSecrets()) {
   *   console.log("Secret properties: ", secretProperties);
   * }
   *
   * for await (const deletedSecret of client.listDeletedSecrets()) {
   *   console.log("Deleted secret: ", deletedSecret);
   * }
   *
   * for await (const versionProperties of client.listPropertiesOfSecretVersions(secretName)) {
   *   console.log("Version properties: ", versionProperties);
   * }
   * ```
   * @param secretName - Name of the secret to fetch versions for.
   * @param options - The optional parameters.
   */
  listPropertiesOfSecretVersions(secretName, options = {}) {
    return mapPagedAsyncIterable((updatedOptions) => this.client.getSecretVersions(secretName, updatedOptions), options, (item) => getSecretFromSecretBundle(item).properties);
  }
  /**
   * Iterates the latest version of all secrets in the vault.  The full secret identifier and attributes are provided
   * in the response. No values are returned for the secrets. This operations requires the secrets/list permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleListSecrets
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * for await (const secretProperties of client.listPropertiesOfSecrets()) {
   *   console.log("Secret properties: ", secretProperties);
   * }
   *
   * for await (const deletedSecret of client.listDeletedSecrets()) {
   *   console.log("Deleted secret: ", deletedSecret);
   * }
   *
   * for await (const versionProperties of client.listPropertiesOfSecretVersions(secretName)) {
   *   console.log("Version properties: ", versionProperties);
   * }
   * ```
   * List all secrets in the vault.
   * @param options - The optional parameters.
   */
  listPropertiesOfSecrets(options = {}) {
    return mapPagedAsyncIterable(this.client.getSecrets.bind(this.client), options, (item) => getSecretFromSecretBundle(item).properties);
  }
  /**
   * Iterates the deleted secrets in the vault.  The full secret identifier and attributes are provided
   * in the response. No values are returned for the secrets. This operations requires the secrets/list permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleListSecrets
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { SecretClient } from "@azure/keyvault-secrets";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new SecretClient(url, credential);
   *
   * const secretName = "MySecretName";
   *
   * for await (const secretProperties of client.listPropertiesOfSecrets()) {
   *   console.log("Secret properties: ", secretProperties);
   * }
   *
   * for await (const deletedSecret of client.listDeletedSecrets()) {
   *   console.log("Deleted secret: ", deletedSecret);
   * }
   *
   * for await (const versionProperties of client.listPropertiesOfSecretVersions(secretName)) {
   *   console.log("Version properties: ", versionProperties);
   * }
   * ```
   * List all secrets in the vault.
   * @param options - The optional parameters.
   */
  listDeletedSecrets(options = {}) {
    return mapPagedAsyncIterable(this.client.getDeletedSecrets.bind(this.client), options, getSecretFromSecretBundle);
  }
};
export {
  KnownContentType,
  KnownDeletionRecoveryLevel,
  SecretClient,
  logger,
  parseKeyVaultSecretIdentifier
};
