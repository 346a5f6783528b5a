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
  isNode,
  stringToUint8Array,
  uint8ArrayToString
} from "./chunk-6TA3OPV7.js";
import "./chunk-HANBNIMK.js";

// node_modules/@azure/keyvault-certificates/dist/esm/logger.js
var logger = createClientLogger("keyvault-certificates");

// node_modules/@azure/keyvault-certificates/dist/esm/certificatesModels.js
var LATEST_API_VERSION = "2025-07-01";
var WellKnownIssuerNames;
(function(WellKnownIssuerNames2) {
  WellKnownIssuerNames2["Self"] = "Self";
  WellKnownIssuerNames2["Unknown"] = "Unknown";
})(WellKnownIssuerNames || (WellKnownIssuerNames = {}));
var DefaultCertificatePolicy = {
  issuerName: "Self",
  subject: "cn=MyCert"
};
var KnownCertificateKeyCurveNames;
(function(KnownCertificateKeyCurveNames2) {
  KnownCertificateKeyCurveNames2["P256"] = "P-256";
  KnownCertificateKeyCurveNames2["P384"] = "P-384";
  KnownCertificateKeyCurveNames2["P521"] = "P-521";
  KnownCertificateKeyCurveNames2["P256K"] = "P-256K";
})(KnownCertificateKeyCurveNames || (KnownCertificateKeyCurveNames = {}));
var KnownCertificateKeyTypes;
(function(KnownCertificateKeyTypes2) {
  KnownCertificateKeyTypes2["EC"] = "EC";
  KnownCertificateKeyTypes2["ECHSM"] = "EC-HSM";
  KnownCertificateKeyTypes2["RSA"] = "RSA";
  KnownCertificateKeyTypes2["RSAHSM"] = "RSA-HSM";
  KnownCertificateKeyTypes2["Oct"] = "oct";
  KnownCertificateKeyTypes2["OctHSM"] = "oct-HSM";
})(KnownCertificateKeyTypes || (KnownCertificateKeyTypes = {}));
var KnownKeyUsageTypes;
(function(KnownKeyUsageTypes2) {
  KnownKeyUsageTypes2["DigitalSignature"] = "digitalSignature";
  KnownKeyUsageTypes2["NonRepudiation"] = "nonRepudiation";
  KnownKeyUsageTypes2["KeyEncipherment"] = "keyEncipherment";
  KnownKeyUsageTypes2["DataEncipherment"] = "dataEncipherment";
  KnownKeyUsageTypes2["KeyAgreement"] = "keyAgreement";
  KnownKeyUsageTypes2["KeyCertSign"] = "keyCertSign";
  KnownKeyUsageTypes2["CRLSign"] = "cRLSign";
  KnownKeyUsageTypes2["EncipherOnly"] = "encipherOnly";
  KnownKeyUsageTypes2["DecipherOnly"] = "decipherOnly";
})(KnownKeyUsageTypes || (KnownKeyUsageTypes = {}));

// node_modules/@azure/keyvault-certificates/dist/esm/models/models.js
function _certificateListResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : certificateItemArrayDeserializer(item["value"]),
    nextLink: item["nextLink"]
  };
}
function certificateItemArrayDeserializer(result) {
  return result.map((item) => {
    return certificateItemDeserializer(item);
  });
}
function certificateItemDeserializer(item) {
  return {
    id: item["id"],
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    x509Thumbprint: !item["x5t"] ? item["x5t"] : typeof item["x5t"] === "string" ? stringToUint8Array(item["x5t"], "base64url") : item["x5t"]
  };
}
function certificateAttributesSerializer(item) {
  return {
    enabled: item["enabled"],
    nbf: !item["notBefore"] ? item["notBefore"] : item["notBefore"].getTime() / 1e3 | 0,
    exp: !item["expires"] ? item["expires"] : item["expires"].getTime() / 1e3 | 0
  };
}
function certificateAttributesDeserializer(item) {
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
function deletedCertificateBundleDeserializer(item) {
  return {
    id: item["id"],
    kid: item["kid"],
    sid: item["sid"],
    x509Thumbprint: !item["x5t"] ? item["x5t"] : typeof item["x5t"] === "string" ? stringToUint8Array(item["x5t"], "base64url") : item["x5t"],
    policy: !item["policy"] ? item["policy"] : certificatePolicyDeserializer(item["policy"]),
    cer: !item["cer"] ? item["cer"] : typeof item["cer"] === "string" ? stringToUint8Array(item["cer"], "base64") : item["cer"],
    contentType: item["contentType"],
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    preserveCertOrder: item["preserveCertOrder"],
    recoveryId: item["recoveryId"],
    scheduledPurgeDate: !item["scheduledPurgeDate"] ? item["scheduledPurgeDate"] : new Date(item["scheduledPurgeDate"] * 1e3),
    deletedDate: !item["deletedDate"] ? item["deletedDate"] : new Date(item["deletedDate"] * 1e3)
  };
}
function certificatePolicySerializer(item) {
  return {
    key_props: !item["keyProperties"] ? item["keyProperties"] : keyPropertiesSerializer(item["keyProperties"]),
    secret_props: !item["secretProperties"] ? item["secretProperties"] : secretPropertiesSerializer(item["secretProperties"]),
    x509_props: !item["x509CertificateProperties"] ? item["x509CertificateProperties"] : x509CertificatePropertiesSerializer(item["x509CertificateProperties"]),
    lifetime_actions: !item["lifetimeActions"] ? item["lifetimeActions"] : lifetimeActionArraySerializer(item["lifetimeActions"]),
    issuer: !item["issuerParameters"] ? item["issuerParameters"] : issuerParametersSerializer(item["issuerParameters"]),
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesSerializer(item["attributes"])
  };
}
function certificatePolicyDeserializer(item) {
  return {
    id: item["id"],
    keyProperties: !item["key_props"] ? item["key_props"] : keyPropertiesDeserializer(item["key_props"]),
    secretProperties: !item["secret_props"] ? item["secret_props"] : secretPropertiesDeserializer(item["secret_props"]),
    x509CertificateProperties: !item["x509_props"] ? item["x509_props"] : x509CertificatePropertiesDeserializer(item["x509_props"]),
    lifetimeActions: !item["lifetime_actions"] ? item["lifetime_actions"] : lifetimeActionArrayDeserializer(item["lifetime_actions"]),
    issuerParameters: !item["issuer"] ? item["issuer"] : issuerParametersDeserializer(item["issuer"]),
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesDeserializer(item["attributes"])
  };
}
function keyPropertiesSerializer(item) {
  return {
    exportable: item["exportable"],
    kty: item["keyType"],
    key_size: item["keySize"],
    reuse_key: item["reuseKey"],
    crv: item["curve"]
  };
}
function keyPropertiesDeserializer(item) {
  return {
    exportable: item["exportable"],
    keyType: item["kty"],
    keySize: item["key_size"],
    reuseKey: item["reuse_key"],
    curve: item["crv"]
  };
}
var KnownJsonWebKeyType;
(function(KnownJsonWebKeyType2) {
  KnownJsonWebKeyType2["EC"] = "EC";
  KnownJsonWebKeyType2["ECHSM"] = "EC-HSM";
  KnownJsonWebKeyType2["RSA"] = "RSA";
  KnownJsonWebKeyType2["RSAHSM"] = "RSA-HSM";
  KnownJsonWebKeyType2["Oct"] = "oct";
  KnownJsonWebKeyType2["OctHSM"] = "oct-HSM";
})(KnownJsonWebKeyType || (KnownJsonWebKeyType = {}));
var KnownJsonWebKeyCurveName;
(function(KnownJsonWebKeyCurveName2) {
  KnownJsonWebKeyCurveName2["P256"] = "P-256";
  KnownJsonWebKeyCurveName2["P384"] = "P-384";
  KnownJsonWebKeyCurveName2["P521"] = "P-521";
  KnownJsonWebKeyCurveName2["P256K"] = "P-256K";
})(KnownJsonWebKeyCurveName || (KnownJsonWebKeyCurveName = {}));
function secretPropertiesSerializer(item) {
  return { contentType: item["contentType"] };
}
function secretPropertiesDeserializer(item) {
  return {
    contentType: item["contentType"]
  };
}
function x509CertificatePropertiesSerializer(item) {
  return {
    subject: item["subject"],
    ekus: !item["ekus"] ? item["ekus"] : item["ekus"].map((p) => {
      return p;
    }),
    sans: !item["subjectAlternativeNames"] ? item["subjectAlternativeNames"] : subjectAlternativeNamesSerializer(item["subjectAlternativeNames"]),
    key_usage: !item["keyUsage"] ? item["keyUsage"] : item["keyUsage"].map((p) => {
      return p;
    }),
    validity_months: item["validityInMonths"]
  };
}
function x509CertificatePropertiesDeserializer(item) {
  return {
    subject: item["subject"],
    ekus: !item["ekus"] ? item["ekus"] : item["ekus"].map((p) => {
      return p;
    }),
    subjectAlternativeNames: !item["sans"] ? item["sans"] : subjectAlternativeNamesDeserializer(item["sans"]),
    keyUsage: !item["key_usage"] ? item["key_usage"] : item["key_usage"].map((p) => {
      return p;
    }),
    validityInMonths: item["validity_months"]
  };
}
function subjectAlternativeNamesSerializer(item) {
  return {
    emails: !item["emails"] ? item["emails"] : item["emails"].map((p) => {
      return p;
    }),
    dns_names: !item["dnsNames"] ? item["dnsNames"] : item["dnsNames"].map((p) => {
      return p;
    }),
    upns: !item["upns"] ? item["upns"] : item["upns"].map((p) => {
      return p;
    }),
    uris: !item["uris"] ? item["uris"] : item["uris"].map((p) => {
      return p;
    }),
    ipAddresses: !item["ipAddresses"] ? item["ipAddresses"] : item["ipAddresses"].map((p) => {
      return p;
    })
  };
}
function subjectAlternativeNamesDeserializer(item) {
  return {
    emails: !item["emails"] ? item["emails"] : item["emails"].map((p) => {
      return p;
    }),
    dnsNames: !item["dns_names"] ? item["dns_names"] : item["dns_names"].map((p) => {
      return p;
    }),
    upns: !item["upns"] ? item["upns"] : item["upns"].map((p) => {
      return p;
    }),
    uris: !item["uris"] ? item["uris"] : item["uris"].map((p) => {
      return p;
    }),
    ipAddresses: !item["ipAddresses"] ? item["ipAddresses"] : item["ipAddresses"].map((p) => {
      return p;
    })
  };
}
var KnownKeyUsageType;
(function(KnownKeyUsageType2) {
  KnownKeyUsageType2["DigitalSignature"] = "digitalSignature";
  KnownKeyUsageType2["NonRepudiation"] = "nonRepudiation";
  KnownKeyUsageType2["KeyEncipherment"] = "keyEncipherment";
  KnownKeyUsageType2["DataEncipherment"] = "dataEncipherment";
  KnownKeyUsageType2["KeyAgreement"] = "keyAgreement";
  KnownKeyUsageType2["KeyCertSign"] = "keyCertSign";
  KnownKeyUsageType2["CRLSign"] = "cRLSign";
  KnownKeyUsageType2["EncipherOnly"] = "encipherOnly";
  KnownKeyUsageType2["DecipherOnly"] = "decipherOnly";
})(KnownKeyUsageType || (KnownKeyUsageType = {}));
function lifetimeActionArraySerializer(result) {
  return result.map((item) => {
    return lifetimeActionSerializer(item);
  });
}
function lifetimeActionArrayDeserializer(result) {
  return result.map((item) => {
    return lifetimeActionDeserializer(item);
  });
}
function lifetimeActionSerializer(item) {
  return {
    trigger: !item["trigger"] ? item["trigger"] : triggerSerializer(item["trigger"]),
    action: !item["action"] ? item["action"] : actionSerializer(item["action"])
  };
}
function lifetimeActionDeserializer(item) {
  return {
    trigger: !item["trigger"] ? item["trigger"] : triggerDeserializer(item["trigger"]),
    action: !item["action"] ? item["action"] : actionDeserializer(item["action"])
  };
}
function triggerSerializer(item) {
  return {
    lifetime_percentage: item["lifetimePercentage"],
    days_before_expiry: item["daysBeforeExpiry"]
  };
}
function triggerDeserializer(item) {
  return {
    lifetimePercentage: item["lifetime_percentage"],
    daysBeforeExpiry: item["days_before_expiry"]
  };
}
function actionSerializer(item) {
  return { action_type: item["actionType"] };
}
function actionDeserializer(item) {
  return {
    actionType: item["action_type"]
  };
}
function issuerParametersSerializer(item) {
  return {
    name: item["name"],
    cty: item["certificateType"],
    cert_transparency: item["certificateTransparency"]
  };
}
function issuerParametersDeserializer(item) {
  return {
    name: item["name"],
    certificateType: item["cty"],
    certificateTransparency: item["cert_transparency"]
  };
}
function contactsSerializer(item) {
  return {
    contacts: !item["contactList"] ? item["contactList"] : contactArraySerializer(item["contactList"])
  };
}
function contactsDeserializer(item) {
  return {
    id: item["id"],
    contactList: !item["contacts"] ? item["contacts"] : contactArrayDeserializer(item["contacts"])
  };
}
function contactArraySerializer(result) {
  return result.map((item) => {
    return contactSerializer(item);
  });
}
function contactArrayDeserializer(result) {
  return result.map((item) => {
    return contactDeserializer(item);
  });
}
function contactSerializer(item) {
  return {
    email: item["emailAddress"],
    name: item["name"],
    phone: item["phone"]
  };
}
function contactDeserializer(item) {
  return {
    emailAddress: item["email"],
    name: item["name"],
    phone: item["phone"]
  };
}
function _certificateIssuerListResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : certificateIssuerItemArrayDeserializer(item["value"]),
    nextLink: item["nextLink"]
  };
}
function certificateIssuerItemArrayDeserializer(result) {
  return result.map((item) => {
    return certificateIssuerItemDeserializer(item);
  });
}
function certificateIssuerItemDeserializer(item) {
  return {
    id: item["id"],
    provider: item["provider"]
  };
}
function certificateIssuerSetParametersSerializer(item) {
  return {
    provider: item["provider"],
    credentials: !item["credentials"] ? item["credentials"] : issuerCredentialsSerializer(item["credentials"]),
    org_details: !item["organizationDetails"] ? item["organizationDetails"] : organizationDetailsSerializer(item["organizationDetails"]),
    attributes: !item["attributes"] ? item["attributes"] : issuerAttributesSerializer(item["attributes"])
  };
}
function issuerCredentialsSerializer(item) {
  return { account_id: item["accountId"], pwd: item["password"] };
}
function issuerCredentialsDeserializer(item) {
  return {
    accountId: item["account_id"],
    password: item["pwd"]
  };
}
function organizationDetailsSerializer(item) {
  return {
    id: item["id"],
    admin_details: !item["adminDetails"] ? item["adminDetails"] : administratorDetailsArraySerializer(item["adminDetails"])
  };
}
function organizationDetailsDeserializer(item) {
  return {
    id: item["id"],
    adminDetails: !item["admin_details"] ? item["admin_details"] : administratorDetailsArrayDeserializer(item["admin_details"])
  };
}
function administratorDetailsArraySerializer(result) {
  return result.map((item) => {
    return administratorDetailsSerializer(item);
  });
}
function administratorDetailsArrayDeserializer(result) {
  return result.map((item) => {
    return administratorDetailsDeserializer(item);
  });
}
function administratorDetailsSerializer(item) {
  return {
    first_name: item["firstName"],
    last_name: item["lastName"],
    email: item["emailAddress"],
    phone: item["phone"]
  };
}
function administratorDetailsDeserializer(item) {
  return {
    firstName: item["first_name"],
    lastName: item["last_name"],
    emailAddress: item["email"],
    phone: item["phone"]
  };
}
function issuerAttributesSerializer(item) {
  return { enabled: item["enabled"] };
}
function issuerAttributesDeserializer(item) {
  return {
    enabled: item["enabled"],
    created: !item["created"] ? item["created"] : new Date(item["created"] * 1e3),
    updated: !item["updated"] ? item["updated"] : new Date(item["updated"] * 1e3)
  };
}
function issuerBundleDeserializer(item) {
  return {
    id: item["id"],
    provider: item["provider"],
    credentials: !item["credentials"] ? item["credentials"] : issuerCredentialsDeserializer(item["credentials"]),
    organizationDetails: !item["org_details"] ? item["org_details"] : organizationDetailsDeserializer(item["org_details"]),
    attributes: !item["attributes"] ? item["attributes"] : issuerAttributesDeserializer(item["attributes"])
  };
}
function certificateIssuerUpdateParametersSerializer(item) {
  return {
    provider: item["provider"],
    credentials: !item["credentials"] ? item["credentials"] : issuerCredentialsSerializer(item["credentials"]),
    org_details: !item["organizationDetails"] ? item["organizationDetails"] : organizationDetailsSerializer(item["organizationDetails"]),
    attributes: !item["attributes"] ? item["attributes"] : issuerAttributesSerializer(item["attributes"])
  };
}
function certificateCreateParametersSerializer(item) {
  return {
    policy: !item["certificatePolicy"] ? item["certificatePolicy"] : certificatePolicySerializer(item["certificatePolicy"]),
    attributes: !item["certificateAttributes"] ? item["certificateAttributes"] : certificateAttributesSerializer(item["certificateAttributes"]),
    tags: item["tags"],
    preserveCertOrder: item["preserveCertOrder"]
  };
}
function certificateOperationDeserializer(item) {
  return {
    id: item["id"],
    issuerParameters: !item["issuer"] ? item["issuer"] : issuerParametersDeserializer(item["issuer"]),
    csr: !item["csr"] ? item["csr"] : typeof item["csr"] === "string" ? stringToUint8Array(item["csr"], "base64") : item["csr"],
    cancellationRequested: item["cancellation_requested"],
    status: item["status"],
    statusDetails: item["status_details"],
    error: !item["error"] ? item["error"] : _keyVaultErrorErrorDeserializer(item["error"]),
    target: item["target"],
    preserveCertOrder: item["preserveCertOrder"],
    requestId: item["request_id"]
  };
}
function certificateImportParametersSerializer(item) {
  return {
    value: item["base64EncodedCertificate"],
    pwd: item["password"],
    policy: !item["certificatePolicy"] ? item["certificatePolicy"] : certificatePolicySerializer(item["certificatePolicy"]),
    attributes: !item["certificateAttributes"] ? item["certificateAttributes"] : certificateAttributesSerializer(item["certificateAttributes"]),
    tags: item["tags"],
    preserveCertOrder: item["preserveCertOrder"]
  };
}
function certificateBundleDeserializer(item) {
  return {
    id: item["id"],
    kid: item["kid"],
    sid: item["sid"],
    x509Thumbprint: !item["x5t"] ? item["x5t"] : typeof item["x5t"] === "string" ? stringToUint8Array(item["x5t"], "base64url") : item["x5t"],
    policy: !item["policy"] ? item["policy"] : certificatePolicyDeserializer(item["policy"]),
    cer: !item["cer"] ? item["cer"] : typeof item["cer"] === "string" ? stringToUint8Array(item["cer"], "base64") : item["cer"],
    contentType: item["contentType"],
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    preserveCertOrder: item["preserveCertOrder"]
  };
}
function certificateUpdateParametersSerializer(item) {
  return {
    policy: !item["certificatePolicy"] ? item["certificatePolicy"] : certificatePolicySerializer(item["certificatePolicy"]),
    attributes: !item["certificateAttributes"] ? item["certificateAttributes"] : certificateAttributesSerializer(item["certificateAttributes"]),
    tags: item["tags"]
  };
}
function certificateOperationUpdateParameterSerializer(item) {
  return { cancellation_requested: item["cancellationRequested"] };
}
function certificateMergeParametersSerializer(item) {
  return {
    x5c: item["x509Certificates"].map((p) => {
      return uint8ArrayToString(p, "base64");
    }),
    attributes: !item["certificateAttributes"] ? item["certificateAttributes"] : certificateAttributesSerializer(item["certificateAttributes"]),
    tags: item["tags"]
  };
}
function backupCertificateResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : typeof item["value"] === "string" ? stringToUint8Array(item["value"], "base64url") : item["value"]
  };
}
function certificateRestoreParametersSerializer(item) {
  return {
    value: uint8ArrayToString(item["certificateBundleBackup"], "base64url")
  };
}
function _deletedCertificateListResultDeserializer(item) {
  return {
    value: !item["value"] ? item["value"] : deletedCertificateItemArrayDeserializer(item["value"]),
    nextLink: item["nextLink"]
  };
}
function deletedCertificateItemArrayDeserializer(result) {
  return result.map((item) => {
    return deletedCertificateItemDeserializer(item);
  });
}
function deletedCertificateItemDeserializer(item) {
  return {
    id: item["id"],
    attributes: !item["attributes"] ? item["attributes"] : certificateAttributesDeserializer(item["attributes"]),
    tags: item["tags"],
    x509Thumbprint: !item["x5t"] ? item["x5t"] : typeof item["x5t"] === "string" ? stringToUint8Array(item["x5t"], "base64url") : item["x5t"],
    recoveryId: item["recoveryId"],
    scheduledPurgeDate: !item["scheduledPurgeDate"] ? item["scheduledPurgeDate"] : new Date(item["scheduledPurgeDate"] * 1e3),
    deletedDate: !item["deletedDate"] ? item["deletedDate"] : new Date(item["deletedDate"] * 1e3)
  };
}
var KnownVersions;
(function(KnownVersions2) {
  KnownVersions2["V75"] = "7.5";
  KnownVersions2["V76Preview2"] = "7.6-preview.2";
  KnownVersions2["V76"] = "7.6";
  KnownVersions2["V20250701"] = "2025-07-01";
})(KnownVersions || (KnownVersions = {}));

// node_modules/@azure/keyvault-certificates/dist/esm/constants.js
var SDK_VERSION = "4.10.3";

// node_modules/@azure/keyvault-certificates/dist/esm/api/keyVaultContext.js
function createKeyVault(endpointParam, credential, options = {}) {
  const endpointUrl = options.endpoint ?? options.baseUrl ?? String(endpointParam);
  const prefixFromOptions = options?.userAgentOptions?.userAgentPrefix;
  const userAgentInfo = `azsdk-js-keyvault-certificates/${SDK_VERSION}`;
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
  const apiVersion = options.apiVersion ?? KnownVersions.V20250701;
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

// node_modules/@azure/keyvault-certificates/dist/esm/static-helpers/pagingHelpers.js
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

// node_modules/@azure/keyvault-certificates/dist/esm/static-helpers/urlTemplate.js
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

// node_modules/@azure/keyvault-certificates/dist/esm/api/operations.js
function _recoverDeletedCertificateSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedcertificates/{certificate-name}/recover{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _recoverDeletedCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function recoverDeletedCertificate(context, certificateName, options = { requestOptions: {} }) {
  const result = await _recoverDeletedCertificateSend(context, certificateName, options);
  return _recoverDeletedCertificateDeserialize(result);
}
function _purgeDeletedCertificateSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedcertificates/{certificate-name}{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _purgeDeletedCertificateDeserialize(result) {
  const expectedStatuses = ["204"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return;
}
async function purgeDeletedCertificate(context, certificateName, options = { requestOptions: {} }) {
  const result = await _purgeDeletedCertificateSend(context, certificateName, options);
  return _purgeDeletedCertificateDeserialize(result);
}
function _getDeletedCertificateSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedcertificates/{certificate-name}{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _getDeletedCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return deletedCertificateBundleDeserializer(result.body);
}
async function getDeletedCertificate(context, certificateName, options = { requestOptions: {} }) {
  const result = await _getDeletedCertificateSend(context, certificateName, options);
  return _getDeletedCertificateDeserialize(result);
}
function _getDeletedCertificatesSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/deletedcertificates{?api%2Dversion,maxresults,includePending}", {
    "api%2Dversion": context.apiVersion,
    maxresults: options?.maxresults,
    includePending: options?.includePending
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
async function _getDeletedCertificatesDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _deletedCertificateListResultDeserializer(result.body);
}
function getDeletedCertificates(context, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getDeletedCertificatesSend(context, options), _getDeletedCertificatesDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _restoreCertificateSend(context, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/restore{?api%2Dversion}", {
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
    body: certificateRestoreParametersSerializer(parameters)
  });
}
async function _restoreCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function restoreCertificate(context, parameters, options = { requestOptions: {} }) {
  const result = await _restoreCertificateSend(context, parameters, options);
  return _restoreCertificateDeserialize(result);
}
function _backupCertificateSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/backup{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _backupCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return backupCertificateResultDeserializer(result.body);
}
async function backupCertificate(context, certificateName, options = { requestOptions: {} }) {
  const result = await _backupCertificateSend(context, certificateName, options);
  return _backupCertificateDeserialize(result);
}
function _mergeCertificateSend(context, certificateName, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/pending/merge{?api%2Dversion}", {
    "certificate-name": certificateName,
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
    body: certificateMergeParametersSerializer(parameters)
  });
}
async function _mergeCertificateDeserialize(result) {
  const expectedStatuses = ["201"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function mergeCertificate(context, certificateName, parameters, options = { requestOptions: {} }) {
  const result = await _mergeCertificateSend(context, certificateName, parameters, options);
  return _mergeCertificateDeserialize(result);
}
function _deleteCertificateOperationSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/pending{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _deleteCertificateOperationDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateOperationDeserializer(result.body);
}
async function deleteCertificateOperation(context, certificateName, options = { requestOptions: {} }) {
  const result = await _deleteCertificateOperationSend(context, certificateName, options);
  return _deleteCertificateOperationDeserialize(result);
}
function _getCertificateOperationSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/pending{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _getCertificateOperationDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateOperationDeserializer(result.body);
}
async function getCertificateOperation(context, certificateName, options = { requestOptions: {} }) {
  const result = await _getCertificateOperationSend(context, certificateName, options);
  return _getCertificateOperationDeserialize(result);
}
function _updateCertificateOperationSend(context, certificateName, certificateOperation, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/pending{?api%2Dversion}", {
    "certificate-name": certificateName,
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
    body: certificateOperationUpdateParameterSerializer(certificateOperation)
  });
}
async function _updateCertificateOperationDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateOperationDeserializer(result.body);
}
async function updateCertificateOperation(context, certificateName, certificateOperation, options = { requestOptions: {} }) {
  const result = await _updateCertificateOperationSend(context, certificateName, certificateOperation, options);
  return _updateCertificateOperationDeserialize(result);
}
function _getCertificateSend(context, certificateName, certificateVersion, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/{certificate-version}{?api%2Dversion}", {
    "certificate-name": certificateName,
    "certificate-version": certificateVersion,
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
async function _getCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function getCertificate(context, certificateName, certificateVersion, options = { requestOptions: {} }) {
  const result = await _getCertificateSend(context, certificateName, certificateVersion, options);
  return _getCertificateDeserialize(result);
}
function _updateCertificateSend(context, certificateName, certificateVersion, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/{certificate-version}{?api%2Dversion}", {
    "certificate-name": certificateName,
    "certificate-version": certificateVersion,
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
    body: certificateUpdateParametersSerializer(parameters)
  });
}
async function _updateCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function updateCertificate(context, certificateName, certificateVersion, parameters, options = { requestOptions: {} }) {
  const result = await _updateCertificateSend(context, certificateName, certificateVersion, parameters, options);
  return _updateCertificateDeserialize(result);
}
function _updateCertificatePolicySend(context, certificateName, certificatePolicy, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/policy{?api%2Dversion}", {
    "certificate-name": certificateName,
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
    body: certificatePolicySerializer(certificatePolicy)
  });
}
async function _updateCertificatePolicyDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificatePolicyDeserializer(result.body);
}
async function updateCertificatePolicy(context, certificateName, certificatePolicy, options = { requestOptions: {} }) {
  const result = await _updateCertificatePolicySend(context, certificateName, certificatePolicy, options);
  return _updateCertificatePolicyDeserialize(result);
}
function _getCertificatePolicySend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/policy{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _getCertificatePolicyDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificatePolicyDeserializer(result.body);
}
async function getCertificatePolicy(context, certificateName, options = { requestOptions: {} }) {
  const result = await _getCertificatePolicySend(context, certificateName, options);
  return _getCertificatePolicyDeserialize(result);
}
function _getCertificateVersionsSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/versions{?api%2Dversion,maxresults}", {
    "certificate-name": certificateName,
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
async function _getCertificateVersionsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _certificateListResultDeserializer(result.body);
}
function getCertificateVersions(context, certificateName, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getCertificateVersionsSend(context, certificateName, options), _getCertificateVersionsDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _importCertificateSend(context, certificateName, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/import{?api%2Dversion}", {
    "certificate-name": certificateName,
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
    body: certificateImportParametersSerializer(parameters)
  });
}
async function _importCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateBundleDeserializer(result.body);
}
async function importCertificate(context, certificateName, parameters, options = { requestOptions: {} }) {
  const result = await _importCertificateSend(context, certificateName, parameters, options);
  return _importCertificateDeserialize(result);
}
function _createCertificateSend(context, certificateName, parameters, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}/create{?api%2Dversion}", {
    "certificate-name": certificateName,
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
    body: certificateCreateParametersSerializer(parameters)
  });
}
async function _createCertificateDeserialize(result) {
  const expectedStatuses = ["202"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return certificateOperationDeserializer(result.body);
}
async function createCertificate(context, certificateName, parameters, options = { requestOptions: {} }) {
  const result = await _createCertificateSend(context, certificateName, parameters, options);
  return _createCertificateDeserialize(result);
}
function _deleteCertificateIssuerSend(context, issuerName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/issuers/{issuer-name}{?api%2Dversion}", {
    "issuer-name": issuerName,
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
async function _deleteCertificateIssuerDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return issuerBundleDeserializer(result.body);
}
async function deleteCertificateIssuer(context, issuerName, options = { requestOptions: {} }) {
  const result = await _deleteCertificateIssuerSend(context, issuerName, options);
  return _deleteCertificateIssuerDeserialize(result);
}
function _getCertificateIssuerSend(context, issuerName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/issuers/{issuer-name}{?api%2Dversion}", {
    "issuer-name": issuerName,
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
async function _getCertificateIssuerDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return issuerBundleDeserializer(result.body);
}
async function getCertificateIssuer(context, issuerName, options = { requestOptions: {} }) {
  const result = await _getCertificateIssuerSend(context, issuerName, options);
  return _getCertificateIssuerDeserialize(result);
}
function _updateCertificateIssuerSend(context, issuerName, parameter, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/issuers/{issuer-name}{?api%2Dversion}", {
    "issuer-name": issuerName,
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
    body: certificateIssuerUpdateParametersSerializer(parameter)
  });
}
async function _updateCertificateIssuerDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return issuerBundleDeserializer(result.body);
}
async function updateCertificateIssuer(context, issuerName, parameter, options = { requestOptions: {} }) {
  const result = await _updateCertificateIssuerSend(context, issuerName, parameter, options);
  return _updateCertificateIssuerDeserialize(result);
}
function _setCertificateIssuerSend(context, issuerName, parameter, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/issuers/{issuer-name}{?api%2Dversion}", {
    "issuer-name": issuerName,
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
    body: certificateIssuerSetParametersSerializer(parameter)
  });
}
async function _setCertificateIssuerDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return issuerBundleDeserializer(result.body);
}
async function setCertificateIssuer(context, issuerName, parameter, options = { requestOptions: {} }) {
  const result = await _setCertificateIssuerSend(context, issuerName, parameter, options);
  return _setCertificateIssuerDeserialize(result);
}
function _getCertificateIssuersSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/issuers{?api%2Dversion,maxresults}", {
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
async function _getCertificateIssuersDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _certificateIssuerListResultDeserializer(result.body);
}
function getCertificateIssuers(context, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getCertificateIssuersSend(context, options), _getCertificateIssuersDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}
function _deleteCertificateContactsSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/contacts{?api%2Dversion}", {
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
async function _deleteCertificateContactsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return contactsDeserializer(result.body);
}
async function deleteCertificateContacts(context, options = { requestOptions: {} }) {
  const result = await _deleteCertificateContactsSend(context, options);
  return _deleteCertificateContactsDeserialize(result);
}
function _getCertificateContactsSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/contacts{?api%2Dversion}", {
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
async function _getCertificateContactsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return contactsDeserializer(result.body);
}
async function getCertificateContacts(context, options = { requestOptions: {} }) {
  const result = await _getCertificateContactsSend(context, options);
  return _getCertificateContactsDeserialize(result);
}
function _setCertificateContactsSend(context, contacts, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/contacts{?api%2Dversion}", {
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
    body: contactsSerializer(contacts)
  });
}
async function _setCertificateContactsDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return contactsDeserializer(result.body);
}
async function setCertificateContacts(context, contacts, options = { requestOptions: {} }) {
  const result = await _setCertificateContactsSend(context, contacts, options);
  return _setCertificateContactsDeserialize(result);
}
function _deleteCertificateSend(context, certificateName, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates/{certificate-name}{?api%2Dversion}", {
    "certificate-name": certificateName,
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
async function _deleteCertificateDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return deletedCertificateBundleDeserializer(result.body);
}
async function deleteCertificate(context, certificateName, options = { requestOptions: {} }) {
  const result = await _deleteCertificateSend(context, certificateName, options);
  return _deleteCertificateDeserialize(result);
}
function _getCertificatesSend(context, options = { requestOptions: {} }) {
  const path = expandUrlTemplate("/certificates{?api%2Dversion,maxresults,includePending}", {
    "api%2Dversion": context.apiVersion,
    maxresults: options?.maxresults,
    includePending: options?.includePending
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
async function _getCertificatesDeserialize(result) {
  const expectedStatuses = ["200"];
  if (!expectedStatuses.includes(result.status)) {
    const error = createRestError(result);
    error.details = keyVaultErrorDeserializer(result.body);
    throw error;
  }
  return _certificateListResultDeserializer(result.body);
}
function getCertificates(context, options = { requestOptions: {} }) {
  return buildPagedAsyncIterator(context, () => _getCertificatesSend(context, options), _getCertificatesDeserialize, ["200"], { itemName: "value", nextLinkName: "nextLink" });
}

// node_modules/@azure/keyvault-certificates/dist/esm/keyVaultClient.js
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
  /** The RecoverDeletedCertificate operation performs the reversal of the Delete operation. The operation is applicable in vaults enabled for soft-delete, and must be issued during the retention interval (available in the deleted certificate's attributes). This operation requires the certificates/recover permission. */
  recoverDeletedCertificate(certificateName, options = { requestOptions: {} }) {
    return recoverDeletedCertificate(this._client, certificateName, options);
  }
  /** The PurgeDeletedCertificate operation performs an irreversible deletion of the specified certificate, without possibility for recovery. The operation is not available if the recovery level does not specify 'Purgeable'. This operation requires the certificate/purge permission. */
  purgeDeletedCertificate(certificateName, options = { requestOptions: {} }) {
    return purgeDeletedCertificate(this._client, certificateName, options);
  }
  /** The GetDeletedCertificate operation retrieves the deleted certificate information plus its attributes, such as retention interval, scheduled permanent deletion and the current deletion recovery level. This operation requires the certificates/get permission. */
  getDeletedCertificate(certificateName, options = { requestOptions: {} }) {
    return getDeletedCertificate(this._client, certificateName, options);
  }
  /** The GetDeletedCertificates operation retrieves the certificates in the current vault which are in a deleted state and ready for recovery or purging. This operation includes deletion-specific information. This operation requires the certificates/get/list permission. This operation can only be enabled on soft-delete enabled vaults. */
  getDeletedCertificates(options = { requestOptions: {} }) {
    return getDeletedCertificates(this._client, options);
  }
  /** Restores a backed up certificate, and all its versions, to a vault. This operation requires the certificates/restore permission. */
  restoreCertificate(parameters, options = { requestOptions: {} }) {
    return restoreCertificate(this._client, parameters, options);
  }
  /** Requests that a backup of the specified certificate be downloaded to the client. All versions of the certificate will be downloaded. This operation requires the certificates/backup permission. */
  backupCertificate(certificateName, options = { requestOptions: {} }) {
    return backupCertificate(this._client, certificateName, options);
  }
  /** The MergeCertificate operation performs the merging of a certificate or certificate chain with a key pair currently available in the service. This operation requires the certificates/create permission. */
  mergeCertificate(certificateName, parameters, options = { requestOptions: {} }) {
    return mergeCertificate(this._client, certificateName, parameters, options);
  }
  /** Deletes the creation operation for a specified certificate that is in the process of being created. The certificate is no longer created. This operation requires the certificates/update permission. */
  deleteCertificateOperation(certificateName, options = { requestOptions: {} }) {
    return deleteCertificateOperation(this._client, certificateName, options);
  }
  /** Gets the creation operation associated with a specified certificate. This operation requires the certificates/get permission. */
  getCertificateOperation(certificateName, options = { requestOptions: {} }) {
    return getCertificateOperation(this._client, certificateName, options);
  }
  /** Updates a certificate creation operation that is already in progress. This operation requires the certificates/update permission. */
  updateCertificateOperation(certificateName, certificateOperation, options = { requestOptions: {} }) {
    return updateCertificateOperation(this._client, certificateName, certificateOperation, options);
  }
  /** Gets information about a specific certificate. This operation requires the certificates/get permission. */
  getCertificate(certificateName, certificateVersion, options = { requestOptions: {} }) {
    return getCertificate(this._client, certificateName, certificateVersion, options);
  }
  /** The UpdateCertificate operation applies the specified update on the given certificate; the only elements updated are the certificate's attributes. This operation requires the certificates/update permission. */
  updateCertificate(certificateName, certificateVersion, parameters, options = { requestOptions: {} }) {
    return updateCertificate(this._client, certificateName, certificateVersion, parameters, options);
  }
  /** Set specified members in the certificate policy. Leave others as null. This operation requires the certificates/update permission. */
  updateCertificatePolicy(certificateName, certificatePolicy, options = { requestOptions: {} }) {
    return updateCertificatePolicy(this._client, certificateName, certificatePolicy, options);
  }
  /** The GetCertificatePolicy operation returns the specified certificate policy resources in the specified key vault. This operation requires the certificates/get permission. */
  getCertificatePolicy(certificateName, options = { requestOptions: {} }) {
    return getCertificatePolicy(this._client, certificateName, options);
  }
  /** The GetCertificateVersions operation returns the versions of a certificate in the specified key vault. This operation requires the certificates/list permission. */
  getCertificateVersions(certificateName, options = { requestOptions: {} }) {
    return getCertificateVersions(this._client, certificateName, options);
  }
  /** Imports an existing valid certificate, containing a private key, into Azure Key Vault. This operation requires the certificates/import permission. The certificate to be imported can be in either PFX or PEM format. If the certificate is in PEM format the PEM file must contain the key as well as x509 certificates. Key Vault will only accept a key in PKCS#8 format. */
  importCertificate(certificateName, parameters, options = { requestOptions: {} }) {
    return importCertificate(this._client, certificateName, parameters, options);
  }
  /** If this is the first version, the certificate resource is created. This operation requires the certificates/create permission. */
  createCertificate(certificateName, parameters, options = { requestOptions: {} }) {
    return createCertificate(this._client, certificateName, parameters, options);
  }
  /** The DeleteCertificateIssuer operation permanently removes the specified certificate issuer from the vault. This operation requires the certificates/manageissuers/deleteissuers permission. */
  deleteCertificateIssuer(issuerName, options = { requestOptions: {} }) {
    return deleteCertificateIssuer(this._client, issuerName, options);
  }
  /** The GetCertificateIssuer operation returns the specified certificate issuer resources in the specified key vault. This operation requires the certificates/manageissuers/getissuers permission. */
  getCertificateIssuer(issuerName, options = { requestOptions: {} }) {
    return getCertificateIssuer(this._client, issuerName, options);
  }
  /** The UpdateCertificateIssuer operation performs an update on the specified certificate issuer entity. This operation requires the certificates/setissuers permission. */
  updateCertificateIssuer(issuerName, parameter, options = { requestOptions: {} }) {
    return updateCertificateIssuer(this._client, issuerName, parameter, options);
  }
  /** The SetCertificateIssuer operation adds or updates the specified certificate issuer. This operation requires the certificates/setissuers permission. */
  setCertificateIssuer(issuerName, parameter, options = { requestOptions: {} }) {
    return setCertificateIssuer(this._client, issuerName, parameter, options);
  }
  /** The GetCertificateIssuers operation returns the set of certificate issuer resources in the specified key vault. This operation requires the certificates/manageissuers/getissuers permission. */
  getCertificateIssuers(options = { requestOptions: {} }) {
    return getCertificateIssuers(this._client, options);
  }
  /** Deletes the certificate contacts for a specified key vault certificate. This operation requires the certificates/managecontacts permission. */
  deleteCertificateContacts(options = { requestOptions: {} }) {
    return deleteCertificateContacts(this._client, options);
  }
  /** The GetCertificateContacts operation returns the set of certificate contact resources in the specified key vault. This operation requires the certificates/managecontacts permission. */
  getCertificateContacts(options = { requestOptions: {} }) {
    return getCertificateContacts(this._client, options);
  }
  /** Sets the certificate contacts for the specified key vault. This operation requires the certificates/managecontacts permission. */
  setCertificateContacts(contacts, options = { requestOptions: {} }) {
    return setCertificateContacts(this._client, contacts, options);
  }
  /** Deletes all versions of a certificate object along with its associated policy. Delete certificate cannot be used to remove individual versions of a certificate object. This operation requires the certificates/delete permission. */
  deleteCertificate(certificateName, options = { requestOptions: {} }) {
    return deleteCertificate(this._client, certificateName, options);
  }
  /** The GetCertificates operation returns the set of certificates resources in the specified key vault. This operation requires the certificates/list permission. */
  getCertificates(options = { requestOptions: {} }) {
    return getCertificates(this._client, options);
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/keyVaultCertificatePoller.js
function cleanState(state) {
  return {
    certificateName: state.certificateName,
    isStarted: state.isStarted,
    isCancelled: state.isCancelled,
    isCompleted: state.isCompleted,
    error: state.error,
    result: state.result
  };
}
var KeyVaultCertificatePoller = class extends Poller {
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
  /**
   * Gets the public state of the polling operation
   */
  getOperationState() {
    return cleanState(this.operation.state);
  }
};
var KeyVaultCertificatePollOperation = class {
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
   */
  async update() {
    throw new Error("Operation not supported.");
  }
  /**
   * Meant to reach to the service and cancel the Poller operation.
   */
  async cancel() {
    throw new Error(this.cancelMessage);
  }
  /**
   * Serializes the create certificate's poll operation
   */
  toString() {
    return JSON.stringify({
      state: cleanState(this.state)
    });
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/identifier.js
function parseKeyVaultCertificateIdentifier(id) {
  const urlParts = id.split("/");
  const collection = urlParts[3];
  return {
    sourceId: id,
    ...parseKeyVaultIdentifier(collection, id)
  };
}

// node_modules/@azure/keyvault-certificates/dist/esm/transformations.js
function toCoreAttributes(properties) {
  return {
    recoveryLevel: properties.recoveryLevel,
    enabled: properties.enabled,
    notBefore: properties.notBefore,
    expires: properties.expiresOn,
    created: properties.createdOn,
    updated: properties.updatedOn
  };
}
function toCorePolicy(id, policy, attributes = {}) {
  let subjectAlternativeNames = {};
  if (policy.subjectAlternativeNames) {
    subjectAlternativeNames = {
      emails: policy.subjectAlternativeNames.emails,
      dnsNames: policy.subjectAlternativeNames.dnsNames,
      upns: policy.subjectAlternativeNames.userPrincipalNames,
      uris: policy.subjectAlternativeNames.uniformResourceIdentifiers,
      ipAddresses: policy.subjectAlternativeNames.ipAddresses
    };
  }
  return {
    id,
    lifetimeActions: policy.lifetimeActions ? policy.lifetimeActions.map((action) => ({
      action: { actionType: action.action },
      trigger: {
        lifetimePercentage: action.lifetimePercentage,
        daysBeforeExpiry: action.daysBeforeExpiry
      }
    })) : void 0,
    keyProperties: {
      keyType: policy.keyType,
      keySize: policy.keySize,
      reuseKey: policy.reuseKey,
      curve: policy.keyCurveName,
      exportable: policy.exportable
    },
    secretProperties: {
      contentType: policy.contentType
    },
    x509CertificateProperties: {
      subject: policy.subject,
      ekus: policy.enhancedKeyUsage,
      subjectAlternativeNames,
      keyUsage: policy.keyUsage,
      validityInMonths: policy.validityInMonths
    },
    issuerParameters: {
      name: policy.issuerName,
      certificateType: policy.certificateType,
      certificateTransparency: policy.certificateTransparency
    },
    attributes
  };
}
function toPublicPolicy(policy = {}) {
  let subjectAlternativeNames;
  const x509Properties = policy.x509CertificateProperties || {};
  if (policy.x509CertificateProperties) {
    if (x509Properties.subjectAlternativeNames) {
      const names = x509Properties.subjectAlternativeNames;
      if (names.emails && names.emails.length) {
        subjectAlternativeNames = {
          ...subjectAlternativeNames,
          emails: names.emails
        };
      }
      if (names.dnsNames && names.dnsNames.length) {
        subjectAlternativeNames = {
          ...subjectAlternativeNames,
          dnsNames: names.dnsNames
        };
      }
      if (names.upns && names.upns.length) {
        subjectAlternativeNames = {
          ...subjectAlternativeNames,
          userPrincipalNames: names.upns
        };
      }
      if (names.uris && names.uris.length) {
        subjectAlternativeNames = {
          ...subjectAlternativeNames,
          uniformResourceIdentifiers: names.uris
        };
      }
      if (names.ipAddresses && names.ipAddresses.length) {
        subjectAlternativeNames = {
          ...subjectAlternativeNames,
          ipAddresses: names.ipAddresses
        };
      }
    }
  }
  const certificatePolicy = {
    lifetimeActions: policy.lifetimeActions ? policy.lifetimeActions.map((action) => ({
      action: action.action ? action.action.actionType : void 0,
      daysBeforeExpiry: action.trigger ? action.trigger.daysBeforeExpiry : void 0,
      lifetimePercentage: action.trigger ? action.trigger.lifetimePercentage : void 0
    })) : void 0,
    contentType: policy.secretProperties ? policy.secretProperties.contentType : void 0,
    enhancedKeyUsage: x509Properties.ekus,
    keyUsage: x509Properties.keyUsage,
    validityInMonths: x509Properties.validityInMonths,
    subject: x509Properties.subject,
    subjectAlternativeNames
  };
  if (policy.attributes) {
    certificatePolicy.enabled = policy.attributes.enabled;
  }
  if (policy.keyProperties) {
    certificatePolicy.keyType = policy.keyProperties.keyType;
    certificatePolicy.keySize = policy.keyProperties.keySize;
    certificatePolicy.reuseKey = policy.keyProperties.reuseKey;
    certificatePolicy.keyCurveName = policy.keyProperties.curve;
    certificatePolicy.exportable = policy.keyProperties.exportable;
  }
  if (policy.issuerParameters) {
    certificatePolicy.issuerName = policy.issuerParameters && policy.issuerParameters.name;
    certificatePolicy.certificateType = policy.issuerParameters.certificateType;
    certificatePolicy.certificateTransparency = policy.issuerParameters.certificateTransparency;
  }
  return certificatePolicy;
}
function toPublicIssuer(issuer = {}) {
  const parsedId = parseKeyVaultCertificateIdentifier(issuer.id);
  const attributes = issuer.attributes || {};
  const publicIssuer = {
    id: issuer.id,
    name: parsedId.name,
    provider: issuer.provider,
    accountId: issuer.credentials && issuer.credentials.accountId,
    password: issuer.credentials && issuer.credentials.password,
    enabled: attributes.enabled,
    createdOn: attributes.created,
    updatedOn: attributes.updated
  };
  if (issuer.organizationDetails) {
    publicIssuer.organizationId = issuer.organizationDetails.id;
    publicIssuer.administratorContacts = issuer.organizationDetails.adminDetails ? issuer.organizationDetails.adminDetails.map((x) => ({
      email: x.emailAddress,
      phone: x.phone,
      firstName: x.firstName,
      lastName: x.lastName
    })) : void 0;
  }
  return publicIssuer;
}
function getCertificateFromCertificateBundle(certificateBundle) {
  const parsedId = parseKeyVaultCertificateIdentifier(certificateBundle.id);
  const attributes = certificateBundle.attributes || {};
  const abstractProperties = {
    createdOn: attributes.created,
    updatedOn: attributes.updated,
    expiresOn: attributes.expires,
    id: certificateBundle.id,
    enabled: attributes.enabled,
    notBefore: attributes.notBefore,
    recoveryLevel: attributes.recoveryLevel,
    name: parsedId.name,
    vaultUrl: parsedId.vaultUrl,
    version: parsedId.version,
    tags: certificateBundle.tags,
    x509Thumbprint: certificateBundle.x509Thumbprint,
    x509ThumbprintString: certificateBundle.x509Thumbprint && uint8ArrayToString(certificateBundle.x509Thumbprint, "hex"),
    recoverableDays: attributes.recoverableDays,
    preserveCertificateOrder: certificateBundle.preserveCertOrder
  };
  return {
    keyId: certificateBundle.kid,
    secretId: certificateBundle.sid,
    name: parsedId.name,
    cer: certificateBundle.cer,
    properties: abstractProperties
  };
}
function getCertificateWithPolicyFromCertificateBundle(certificateBundle) {
  const parsedId = parseKeyVaultCertificateIdentifier(certificateBundle.id);
  const attributes = certificateBundle.attributes || {};
  const policy = toPublicPolicy(certificateBundle.policy || {});
  const abstractProperties = {
    createdOn: attributes.created,
    updatedOn: attributes.updated,
    expiresOn: attributes.expires,
    id: certificateBundle.id,
    enabled: attributes.enabled,
    notBefore: attributes.notBefore,
    recoveryLevel: attributes.recoveryLevel,
    name: parsedId.name,
    vaultUrl: parsedId.vaultUrl,
    version: parsedId.version,
    tags: certificateBundle.tags,
    x509Thumbprint: certificateBundle.x509Thumbprint,
    x509ThumbprintString: certificateBundle.x509Thumbprint && uint8ArrayToString(certificateBundle.x509Thumbprint, "hex"),
    recoverableDays: attributes.recoverableDays,
    preserveCertificateOrder: certificateBundle.preserveCertOrder
  };
  return {
    keyId: certificateBundle.kid,
    secretId: certificateBundle.sid,
    name: parsedId.name,
    cer: certificateBundle.cer,
    policy,
    properties: abstractProperties
  };
}
function getDeletedCertificateFromDeletedCertificateBundle(certificateBundle) {
  const certificate = getCertificateWithPolicyFromCertificateBundle(certificateBundle);
  return {
    policy: certificate.policy,
    cer: certificate.cer,
    id: certificate.id,
    keyId: certificate.keyId,
    secretId: certificate.secretId,
    name: certificate.name,
    properties: certificate.properties,
    recoveryId: certificateBundle.recoveryId,
    scheduledPurgeDate: certificateBundle.scheduledPurgeDate,
    deletedOn: certificateBundle.deletedDate
  };
}
function getDeletedCertificateFromItem(item) {
  const parsedId = parseKeyVaultCertificateIdentifier(item.id);
  const attributes = item.attributes || {};
  const abstractProperties = {
    createdOn: attributes.created,
    updatedOn: attributes.updated,
    expiresOn: attributes.expires,
    vaultUrl: parsedId.vaultUrl,
    version: parsedId.version,
    name: parsedId.name,
    id: item.id,
    tags: item.tags,
    x509Thumbprint: item.x509Thumbprint,
    x509ThumbprintString: item.x509Thumbprint && uint8ArrayToString(item.x509Thumbprint, "hex"),
    recoverableDays: item.attributes?.recoverableDays,
    recoveryLevel: item.attributes?.recoveryLevel
  };
  return {
    deletedOn: item.deletedDate,
    recoveryId: item.recoveryId,
    scheduledPurgeDate: item.scheduledPurgeDate,
    name: parsedId.name,
    properties: abstractProperties
  };
}
function getCertificateOperationErrorFromErrorModel(error) {
  if (error) {
    return {
      code: error.code,
      innerError: getCertificateOperationErrorFromErrorModel(error.innerError),
      message: error.message
    };
  }
  return void 0;
}
function getCertificateOperationFromCoreOperation(certificateName, operation) {
  return {
    cancellationRequested: operation.cancellationRequested,
    name: certificateName,
    issuerName: operation.issuerParameters ? operation.issuerParameters.name : void 0,
    certificateTransparency: operation.issuerParameters ? operation.issuerParameters.certificateTransparency : void 0,
    certificateType: operation.issuerParameters ? operation.issuerParameters.certificateType : void 0,
    csr: operation.csr,
    error: getCertificateOperationErrorFromErrorModel(operation.error),
    id: operation.id,
    requestId: operation.requestId,
    status: operation.status,
    statusDetails: operation.statusDetails,
    target: operation.target
  };
}
function coreContactsToCertificateContacts(contacts) {
  return contacts.contactList ? contacts.contactList.map((x) => ({ email: x.emailAddress, phone: x.phone, name: x.name })) : [];
}
function getPropertiesFromCertificateBundle(certificateBundle) {
  const parsedId = parseKeyVaultCertificateIdentifier(certificateBundle.id);
  const attributes = certificateBundle.attributes || {};
  const abstractProperties = {
    createdOn: attributes.created,
    updatedOn: attributes.updated,
    expiresOn: attributes.expires,
    id: certificateBundle.id,
    name: parsedId.name,
    enabled: attributes.enabled,
    notBefore: attributes.notBefore,
    recoveryLevel: attributes.recoveryLevel,
    vaultUrl: parsedId.vaultUrl,
    version: parsedId.version,
    tags: certificateBundle.tags,
    x509Thumbprint: certificateBundle.x509Thumbprint,
    x509ThumbprintString: certificateBundle.x509Thumbprint && uint8ArrayToString(certificateBundle.x509Thumbprint, "hex"),
    recoverableDays: attributes.recoverableDays,
    preserveCertificateOrder: certificateBundle.preserveCertOrder
  };
  return abstractProperties;
}
function mapPagedAsyncIterable(iter, mapper) {
  return {
    async next() {
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
      const iteratorByPage = iter.byPage(settings);
      for await (const page of iteratorByPage) {
        yield page.map(mapper);
      }
    }
  };
}

// node_modules/@azure/keyvault-certificates/dist/esm/tracing.js
var tracingClient = createTracingClient({
  namespace: "Microsoft.KeyVault",
  packageName: "@azure/keyvault-certificates",
  packageVersion: SDK_VERSION
});

// node_modules/@azure/keyvault-certificates/dist/esm/lro/create/operation.js
var CreateCertificatePollOperation = class extends KeyVaultCertificatePollOperation {
  state;
  client;
  operationOptions;
  constructor(state, client, operationOptions = {}) {
    super(state);
    this.state = state;
    this.client = client;
    this.operationOptions = operationOptions;
  }
  /**
   * Creates a new certificate. If this is the first version, the certificate resource is created. This operation requires the certificates/create permission.
   */
  createCertificate(certificateName, certificatePolicy, options = {}) {
    return tracingClient.withSpan("CreateCertificatePoller.createCertificate", options, async (updatedOptions) => {
      const id = options.id;
      const certificateAttributes = toCoreAttributes(options);
      const corePolicy = toCorePolicy(id, certificatePolicy, certificateAttributes);
      const result = await this.client.createCertificate(certificateName, {
        certificatePolicy: corePolicy,
        certificateAttributes,
        tags: updatedOptions.tags,
        preserveCertOrder: updatedOptions.preserveCertificateOrder
      }, updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * Gets the latest information available from a specific certificate, including the certificate's policy. This operation requires the certificates/get permission.
   */
  getCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CreateCertificatePoller.getCertificate", options, async (updatedOptions) => {
      const result = await this.client.getCertificate(certificateName, "", updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * Gets the certificate operation.
   */
  getPlainCertificateOperation(certificateName, options = {}) {
    return tracingClient.withSpan("CreateCertificatePoller.getPlainCertificateOperation", options, async (updatedOptions) => {
      const response = await this.client.getCertificateOperation(certificateName, {
        ...updatedOptions
      });
      return getCertificateOperationFromCoreOperation(certificateName, response);
    });
  }
  /**
   * Cancels a certificate creation operation that is already in progress. This operation requires the certificates/update permission.
   */
  cancelCertificateOperation(certificateName, options = {}) {
    return tracingClient.withSpan("CreateCertificatePoller.cancelCertificateOperation", options, async (updatedOptions) => {
      const response = await this.client.updateCertificateOperation(certificateName, { cancellationRequested: true }, updatedOptions);
      return getCertificateOperationFromCoreOperation(certificateName, response);
    });
  }
  /**
   * Reaches to the service and updates the create certificate's poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const { certificateName, certificatePolicy, createCertificateOptions } = state;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
      createCertificateOptions.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      state.isStarted = true;
      state.result = await this.createCertificate(certificateName, certificatePolicy, createCertificateOptions);
      this.state.certificateOperation = await this.getPlainCertificateOperation(certificateName, this.operationOptions);
    } else if (!state.isCompleted) {
      this.state.certificateOperation = await this.getPlainCertificateOperation(certificateName, this.operationOptions);
    }
    if (state.certificateOperation && state.certificateOperation.status !== "inProgress") {
      state.isCompleted = true;
      state.result = await this.getCertificate(certificateName, this.operationOptions);
      if (state.certificateOperation.error) {
        state.error = new Error(state.certificateOperation.error.message);
      }
    }
    return this;
  }
  /**
   * Reaches to the service and cancels the certificate's operation, also updating the certificate's poll operation
   */
  async cancel(options = {}) {
    const state = this.state;
    const { certificateName } = state;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    state.certificateOperation = await this.cancelCertificateOperation(certificateName, this.operationOptions);
    this.state.isCancelled = true;
    return this;
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/create/poller.js
var CreateCertificatePoller = class extends KeyVaultCertificatePoller {
  constructor(options) {
    const { client, certificateName, certificatePolicy, createCertificateOptions, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new CreateCertificatePollOperation({
      ...state,
      certificateName,
      certificatePolicy,
      createCertificateOptions
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/operation/operation.js
var CertificateOperationPollOperation = class extends KeyVaultCertificatePollOperation {
  state;
  client;
  operationOptions;
  constructor(state, client, operationOptions = {}) {
    super(state);
    this.state = state;
    this.client = client;
    this.operationOptions = operationOptions;
  }
  /**
   * Cancels a certificate creation operation that is already in progress. This operation requires the certificates/update permission.
   */
  cancelCertificateOperation(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateOperationPoller.cancelCertificateOperation", options, async (updatedOptions) => {
      const response = await this.client.updateCertificateOperation(certificateName, { cancellationRequested: true }, updatedOptions);
      return getCertificateOperationFromCoreOperation(certificateName, response);
    });
  }
  /**
   * Gets the latest information available from a specific certificate, including the certificate's policy. This operation requires the certificates/get permission.
   */
  getCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateOperationPoller.getCertificate", options, async (updatedOptions) => {
      const result = await this.client.getCertificate(certificateName, "", updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * Gets the certificate operation.
   */
  getPlainCertificateOperation(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateOperationPoller.getPlainCertificateOperation", options, async (updatedOptions) => {
      const response = await this.client.getCertificateOperation(certificateName, updatedOptions);
      return getCertificateOperationFromCoreOperation(certificateName, response);
    });
  }
  /**
   * Reaches to the service and updates the poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const certificateName = state.certificateName;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      state.isStarted = true;
      state.result = await this.getCertificate(certificateName, this.operationOptions);
      state.certificateOperation = await this.getPlainCertificateOperation(certificateName, this.operationOptions);
    } else if (!state.isCompleted) {
      state.certificateOperation = await this.getPlainCertificateOperation(certificateName, this.operationOptions);
    }
    if (state.certificateOperation && state.certificateOperation.status !== "inProgress") {
      state.isCompleted = true;
      state.result = await this.getCertificate(certificateName, this.operationOptions);
      if (state.certificateOperation.error) {
        state.error = new Error(state.certificateOperation.error.message);
      }
    }
    return this;
  }
  /**
   * Reaches to the service and cancels the certificate's operation, also updating the poll operation.
   */
  async cancel(options = {}) {
    const state = this.state;
    const certificateName = state.certificateName;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    state.certificateOperation = await this.cancelCertificateOperation(certificateName, this.operationOptions);
    this.state.isCancelled = true;
    return this;
  }
  /**
   * Serializes the certificate's poll operation
   */
  toString() {
    const state = {
      certificateOperation: this.state.certificateOperation,
      ...cleanState(this.state)
    };
    return JSON.stringify({
      state
    });
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/operation/poller.js
var CertificateOperationPoller = class extends KeyVaultCertificatePoller {
  constructor(options) {
    const { client, certificateName, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new CertificateOperationPollOperation({
      ...state,
      certificateName
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
  /**
   * Gets the public state of the polling operation
   */
  getOperationState() {
    return {
      ...cleanState(this.operation.state),
      certificateOperation: this.operation.state.certificateOperation
    };
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/delete/operation.js
var DeleteCertificatePollOperation = class extends KeyVaultCertificatePollOperation {
  state;
  client;
  operationOptions;
  constructor(state, client, operationOptions = {}) {
    super(state, { cancelMessage: "Canceling the deletion of a certificate is not supported." });
    this.state = state;
    this.client = client;
    this.operationOptions = operationOptions;
  }
  /**
   * The DELETE operation applies to any certificate stored in Azure Key Vault. DELETE cannot be applied
   * to an individual version of a certificate. This operation requires the certificates/delete permission.
   */
  deleteCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("DeleteCertificatePoller.deleteCertificate", options, async (updatedOptions) => {
      const response = await this.client.deleteCertificate(certificateName, updatedOptions);
      return getDeletedCertificateFromDeletedCertificateBundle(response);
    });
  }
  /**
   * Retrieves the deleted certificate information plus its attributes, such as retention interval, scheduled permanent deletion and the
   * current deletion recovery level. This operation requires the certificates/get permission.
   */
  async getDeletedCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("DeleteCertificatePoller.getDeletedCertificate", options, async (updatedOptions) => {
      const response = await this.client.getDeletedCertificate(certificateName, updatedOptions);
      return getDeletedCertificateFromDeletedCertificateBundle(response);
    });
  }
  /**
   * Reaches to the service and updates the delete certificate's poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const { certificateName } = state;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      const deletedCertificate = await this.deleteCertificate(certificateName, this.operationOptions);
      state.isStarted = true;
      state.result = deletedCertificate;
      if (!deletedCertificate.recoveryId) {
        state.isCompleted = true;
      }
    }
    if (!state.isCompleted) {
      try {
        state.result = await this.getDeletedCertificate(certificateName, this.operationOptions);
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

// node_modules/@azure/keyvault-certificates/dist/esm/lro/delete/poller.js
var DeleteCertificatePoller = class extends KeyVaultCertificatePoller {
  constructor(options) {
    const { client, certificateName, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new DeleteCertificatePollOperation({
      ...state,
      certificateName
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/lro/recover/operation.js
var RecoverDeletedCertificatePollOperation = class extends KeyVaultCertificatePollOperation {
  state;
  client;
  operationOptions;
  constructor(state, client, operationOptions = {}) {
    super(state, {
      cancelMessage: "Canceling the recovery of a deleted certificate is not supported."
    });
    this.state = state;
    this.client = client;
    this.operationOptions = operationOptions;
  }
  /**
   * Gets the latest information available from a specific certificate, including the certificate's policy. This operation requires the certificates/get permission.
   */
  getCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("RecoverDeletedCertificatePoller.getCertificate", options, async (updatedOptions) => {
      const result = await this.client.getCertificate(certificateName, "", updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * Recovers the deleted certificate in the specified vault. This operation can only be performed on a soft-delete enabled vault. This operation
   * requires the certificate/recover permission.
   */
  recoverDeletedCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("RecoverDeletedCertificatePoller.recoverDeletedCertificate", options, async (updatedOptions) => {
      const response = await this.client.recoverDeletedCertificate(certificateName, updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(response);
    });
  }
  /**
   * Reaches to the service and updates the poll operation.
   */
  async update(options = {}) {
    const state = this.state;
    const { certificateName } = state;
    if (options.abortSignal) {
      this.operationOptions.abortSignal = options.abortSignal;
    }
    if (!state.isStarted) {
      try {
        state.result = await this.getCertificate(certificateName, this.operationOptions);
        state.isCompleted = true;
      } catch (e) {
      }
      if (!state.isCompleted) {
        state.result = await this.recoverDeletedCertificate(certificateName, this.operationOptions);
        state.isStarted = true;
      }
    }
    if (!state.isCompleted) {
      try {
        state.result = await this.getCertificate(certificateName, this.operationOptions);
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

// node_modules/@azure/keyvault-certificates/dist/esm/lro/recover/poller.js
var RecoverDeletedCertificatePoller = class extends KeyVaultCertificatePoller {
  constructor(options) {
    const { client, certificateName, operationOptions, intervalInMs = 2e3, resumeFrom } = options;
    let state;
    if (resumeFrom) {
      state = JSON.parse(resumeFrom).state;
    }
    const operation = new RecoverDeletedCertificatePollOperation({
      ...state,
      certificateName
    }, client, operationOptions);
    super(operation);
    this.intervalInMs = intervalInMs;
  }
};

// node_modules/@azure/keyvault-certificates/dist/esm/utils.js
function toBase64(bytes) {
  if (isNode) {
    return Buffer.from(bytes).toString("base64");
  } else {
    return btoa(String.fromCharCode.apply(null, bytes));
  }
}
function toAscii(bytes) {
  if (isNode) {
    return Buffer.from(bytes).toString("ascii");
  } else {
    return new TextDecoder("ascii").decode(bytes);
  }
}
function parseCertificateBytes(certificateBytes, contentType) {
  if (contentType === "application/x-pem-file") {
    return toAscii(certificateBytes);
  } else {
    return toBase64(certificateBytes);
  }
}

// node_modules/@azure/keyvault-certificates/dist/esm/index.js
var CertificateClient = class {
  /**
   * The base URL to the vault
   */
  vaultUrl;
  client;
  /**
   * Creates an instance of CertificateClient.
   * @param vaultUrl - the base URL to the vault. You should validate that this URL references a valid Key Vault resource. See https://aka.ms/azsdk/blog/vault-uri for details.
   * @param credential - An object that implements the `TokenCredential` interface used to authenticate requests to the service. Use the \@azure/identity package to create a credential that suits your needs.
   * @param clientOptions - Pipeline options used to configure Key Vault API requests.
   *                          Omit this parameter to use the default pipeline configuration.
   */
  constructor(vaultUrl, credential, clientOptions = {}) {
    this.vaultUrl = vaultUrl;
    const internalClientPipelineOptions = {
      ...clientOptions,
      apiVersion: clientOptions.serviceVersion || LATEST_API_VERSION,
      userAgentOptions: {
        userAgentPrefix: `${clientOptions.userAgentOptions?.userAgentPrefix} azsdk-js-keyvault-certificates/${SDK_VERSION}`
      },
      loggingOptions: {
        logger: logger.info,
        additionalAllowedHeaderNames: [
          "x-ms-keyvault-region",
          "x-ms-keyvault-network-info",
          "x-ms-keyvault-service-version"
        ]
      }
    };
    this.client = new KeyVaultClient(this.vaultUrl, credential, internalClientPipelineOptions);
    this.client.pipeline.removePolicy({ name: bearerTokenAuthenticationPolicyName });
    this.client.pipeline.addPolicy(keyVaultAuthenticationPolicy(credential, clientOptions));
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
   * Iterates the latest version of all certificates in the vault.  The full certificate identifier and attributes are provided
   * in the response. No values are returned for the certificates. This operations requires the certificates/list permission.
   *
   * Example usage:
   * ```ts snippet:IndexListCertificates
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * // All in one call
   * for await (const certificateProperties of client.listPropertiesOfCertificates()) {
   *   console.log(certificateProperties);
   * }
   *
   * // By pages
   * for await (const page of client.listPropertiesOfCertificates().byPage()) {
   *   for (const certificateProperties of page) {
   *     console.log(certificateProperties);
   *   }
   * }
   * ```
   * List all versions of the specified certificate.
   * @param options - The optional parameters
   */
  listPropertiesOfCertificates(options = {}) {
    return mapPagedAsyncIterable(this.client.getCertificates(options), getPropertiesFromCertificateBundle);
  }
  /**
   * Returns the versions of a certificate in the specified key
   * vault. This operation requires the certificates/list permission.
   *
   * Example usage:
   * ```ts snippet:IndexListCertificateVersions
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * for await (const certificateProperties of client.listPropertiesOfCertificateVersions(
   *   "MyCertificate",
   * )) {
   *   console.log(certificateProperties.version!);
   * }
   * ```
   * List the versions of a certificate.
   * @param certificateName - The name of the certificate.
   * @param options - The optional parameters
   */
  listPropertiesOfCertificateVersions(certificateName, options = {}) {
    return mapPagedAsyncIterable(this.client.getCertificateVersions(certificateName, options), getPropertiesFromCertificateBundle);
  }
  /**
   * The DELETE operation applies to any certificate stored in Azure Key Vault. DELETE cannot be applied
   * to an individual version of a certificate.
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the certificate is fully recovered.
   *
   * This operation requires the certificates/delete permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleDeleteCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * const certificateName = "MyCertificate";
   *
   * const poller = await client.beginDeleteCertificate(certificateName);
   *
   * // You can use the deleted certificate immediately:
   * const deletedCertificate = poller.getResult();
   *
   * // The certificate is being deleted. Only wait for it if you want to restore it or purge it.
   * await poller.pollUntilDone();
   *
   * // You can also get the deleted certificate this way:
   * await client.getDeletedCertificate(certificateName);
   *
   * // Deleted certificates can also be recovered or purged.
   *
   * // recoverDeletedCertificate returns a poller, just like beginDeleteCertificate.
   * // const recoverPoller = await client.beginRecoverDeletedCertificate(certificateName);
   * // await recoverPoller.pollUntilDone();
   *
   * // If a certificate is done and the Key Vault has soft-delete enabled, the certificate can be purged with:
   * await client.purgeDeletedCertificate(certificateName);
   * ```
   * Deletes a certificate from a specified key vault.
   * @param certificateName - The name of the certificate.
   * @param options - The optional parameters
   */
  async beginDeleteCertificate(certificateName, options = {}) {
    const poller = new DeleteCertificatePoller({
      certificateName,
      client: this.client,
      vaultUrl: this.vaultUrl,
      ...options,
      operationOptions: options
    });
    await poller.poll();
    return poller;
  }
  /**
   * Deletes all of the certificate contacts. This operation requires the certificates/managecontacts permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientDeleteContacts
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.deleteContacts();
   * ```
   * Deletes all of the certificate contacts
   * @param options - The optional parameters
   */
  deleteContacts(options = {}) {
    let parsedBody;
    return tracingClient.withSpan("CertificateClient.deleteContacts", options, async (updatedOptions) => {
      await this.client.deleteCertificateContacts({
        ...updatedOptions,
        onResponse: (response) => {
          parsedBody = response.parsedBody;
        }
      });
      return coreContactsToCertificateContacts(parsedBody);
    });
  }
  /**
   * Sets the certificate contacts for the key vault. This operation requires the certificates/managecontacts permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientSetContacts
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.setContacts([
   *   {
   *     email: "b@b.com",
   *     name: "b",
   *     phone: "222222222222",
   *   },
   * ]);
   * ```
   * Sets the certificate contacts.
   * @param contacts - The contacts to use
   * @param options - The optional parameters
   */
  setContacts(contacts, options = {}) {
    const coreContacts = contacts.map((x) => ({
      emailAddress: x ? x.email : void 0,
      name: x ? x.name : void 0,
      phone: x ? x.phone : void 0
    }));
    return tracingClient.withSpan("CertificateClient.setContacts", options, async (updatedOptions) => {
      const response = await this.client.setCertificateContacts({ contactList: coreContacts }, updatedOptions);
      return coreContactsToCertificateContacts(response);
    });
  }
  /**
   * Returns the set of certificate contact resources in the specified key vault. This operation requires the certificates/managecontacts permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetContacts
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * const contacts = await client.getContacts();
   * for (const contact of contacts) {
   *   console.log(contact);
   * }
   * ```
   * Sets the certificate contacts.
   * @param options - The optional parameters
   */
  getContacts(options = {}) {
    return tracingClient.withSpan("CertificateClient.getContacts", options, async (updatedOptions) => {
      const result = await this.client.getCertificateContacts(updatedOptions);
      return coreContactsToCertificateContacts(result);
    });
  }
  /**
   * Returns the set of certificate issuer resources in the specified key vault. This operation requires the certificates/manageissuers/getissuers permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientListIssuers
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.createIssuer("IssuerName", "Test");
   *
   * // All in one call
   * for await (const issuerProperties of client.listPropertiesOfIssuers()) {
   *   console.log(issuerProperties);
   * }
   *
   * // By pages
   * for await (const page of client.listPropertiesOfIssuers().byPage()) {
   *   for (const issuerProperties of page) {
   *     console.log(issuerProperties);
   *   }
   * }
   * ```
   * List the certificate issuers.
   * @param options - The optional parameters
   */
  listPropertiesOfIssuers(options = {}) {
    return this.client.getCertificateIssuers(options);
  }
  /**
   * The createIssuer operation adds or updates the specified certificate issuer. This
   * operation requires the certificates/setissuers permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientCreateIssuer
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.createIssuer("IssuerName", "Test");
   * ```
   * Sets the specified certificate issuer.
   * @param issuerName - The name of the issuer.
   * @param provider - The issuer provider.
   * @param options - The optional parameters
   */
  createIssuer(issuerName, provider, options = {}) {
    return tracingClient.withSpan("CertificateClient.createIssuer", options, async (updatedOptions) => {
      const { accountId, password } = updatedOptions;
      const parameters = {
        credentials: {
          accountId,
          password
        },
        provider
      };
      if (updatedOptions.organizationId || updatedOptions.administratorContacts && updatedOptions.administratorContacts.length) {
        parameters.organizationDetails = {
          id: updatedOptions.organizationId,
          adminDetails: updatedOptions.administratorContacts ? updatedOptions.administratorContacts.map((x) => ({
            emailAddress: x.email,
            phone: x.phone,
            firstName: x.firstName,
            lastName: x.lastName
          })) : void 0
        };
      }
      if (updatedOptions.enabled !== void 0) {
        parameters.attributes = {
          enabled: updatedOptions.enabled
        };
      }
      const response = await this.client.setCertificateIssuer(issuerName, parameters, updatedOptions);
      return toPublicIssuer(response);
    });
  }
  /**
   * The updateIssuer operation performs an update on the specified certificate issuer
   * entity. This operation requires the certificates/setissuers permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientUpdateIssuer
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.updateIssuer("IssuerName", {
   *   provider: "Provider2",
   * });
   * ```
   * Updates the specified certificate issuer.
   * @param issuerName - The name of the issuer.
   * @param options - The optional parameters
   */
  async updateIssuer(issuerName, options = {}) {
    return tracingClient.withSpan("CertificateClient.updateIssuer", options, async (updatedOptions) => {
      const { accountId, password } = options;
      const parameters = {
        credentials: {
          accountId,
          password
        }
      };
      if (updatedOptions.provider) {
        parameters.provider = updatedOptions.provider;
      }
      if (updatedOptions.organizationId || updatedOptions.administratorContacts && updatedOptions.administratorContacts.length) {
        parameters.organizationDetails = {
          id: updatedOptions.organizationId,
          adminDetails: updatedOptions.administratorContacts ? updatedOptions.administratorContacts.map((x) => ({
            emailAddress: x.email,
            phone: x.phone,
            firstName: x.firstName,
            lastName: x.lastName
          })) : void 0
        };
      }
      if (updatedOptions.enabled) {
        parameters.attributes = {
          enabled: updatedOptions.enabled
        };
      }
      const response = await this.client.updateCertificateIssuer(issuerName, parameters, updatedOptions);
      return toPublicIssuer(response);
    });
  }
  /**
   * The getIssuer operation returns the specified certificate issuer resources in the
   * specified key vault. This operation requires the certificates/manageissuers/getissuers
   * permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetIssuer
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * const certificateIssuer = await client.getIssuer("IssuerName");
   * console.log(certificateIssuer);
   * ```
   * Gets he specified certificate issuer.
   * @param issuerName - The name of the issuer.
   * @param options - The optional parameters
   */
  getIssuer(issuerName, options = {}) {
    return tracingClient.withSpan("CertificateClient.getIssuer", options, async (updatedOptions) => {
      const response = await this.client.getCertificateIssuer(issuerName, {
        ...updatedOptions
      });
      return toPublicIssuer(response);
    });
  }
  /**
   * The deleteIssuer operation permanently removes the specified certificate issuer from
   * the vault. This operation requires the certificates/manageissuers/deleteissuers permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientDeleteIssuer
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * await client.deleteIssuer("IssuerName");
   * ```
   * Deletes the specified certificate issuer.
   * @param issuerName - The name of the issuer.
   * @param options - The optional parameters
   */
  deleteIssuer(issuerName, options = {}) {
    return tracingClient.withSpan("CertificateClient.deleteIssuer", options, async (updatedOptions) => {
      const response = await this.client.deleteCertificateIssuer(issuerName, updatedOptions);
      return toPublicIssuer(response);
    });
  }
  /**
   * Creates a new certificate. If this is the first version, the certificate resource is created.
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the certificate is fully recovered.
   *
   * **Note:** Sending `Self` as the `issuerName` of the certificate's policy will create a self-signed certificate.
   *
   * This operation requires the certificates/create permission.
   *
   * Example usage:
   * ```ts snippet:ReadmeSampleCreateCertificatePoller
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const certificateName = "MyCertificateName";
   * const certificatePolicy = {
   *   issuerName: "Self",
   *   subject: "cn=MyCert",
   * };
   *
   * const poller = await client.beginCreateCertificate(certificateName, certificatePolicy);
   *
   * // You can use the pending certificate immediately:
   * const pendingCertificate = poller.getResult();
   *
   * // Or you can wait until the certificate finishes being signed:
   * const keyVaultCertificate = await poller.pollUntilDone();
   * console.log(keyVaultCertificate);
   * ```
   * Creates a certificate
   * @param certificateName - The name of the certificate
   * @param certificatePolicy - The certificate's policy
   * @param options - Optional parameters
   */
  async beginCreateCertificate(certificateName, policy, options = {}) {
    const poller = new CreateCertificatePoller({
      vaultUrl: this.vaultUrl,
      client: this.client,
      certificateName,
      certificatePolicy: policy,
      createCertificateOptions: options,
      operationOptions: options,
      intervalInMs: options.intervalInMs,
      resumeFrom: options.resumeFrom
    });
    await poller.poll();
    return poller;
  }
  /**
   * Gets the latest information available from a specific certificate, including the certificate's policy. This operation requires the certificates/get permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const keyVaultUrl = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(keyVaultUrl, credential);
   *
   * const certificateName = "MyCertificate";
   *
   * const result = await client.getCertificate(certificateName);
   * console.log(result.name);
   * ```
   * Retrieves a certificate from the certificate's name (includes the certificate policy)
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  getCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.getCertificate", options, async (updatedOptions) => {
      const result = await this.client.getCertificate(certificateName, "", updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * Gets information about a specific certificate on a specific version. It won't return the certificate's policy. This operation requires the certificates/get permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetCertificateVersion
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const certificateName = "MyCertificateName";
   *
   * const latestCertificate = await client.getCertificate(certificateName);
   * console.log(`Latest version of the certificate ${certificateName}: `, latestCertificate);
   * const specificCertificate = await client.getCertificateVersion(
   *   certificateName,
   *   latestCertificate.properties.version,
   * );
   * console.log(
   *   `The certificate ${certificateName} at the version ${latestCertificate.properties.version}: `,
   *   specificCertificate,
   * );
   * ```
   * Retrieves a certificate from the certificate's name and a specified version
   * @param certificateName - The name of the certificate
   * @param version - The specific version of the certificate
   * @param options - The optional parameters
   */
  getCertificateVersion(certificateName, version, options = {}) {
    return tracingClient.withSpan("CertificateClient.getCertificateVersion", options, async (updatedOptions) => {
      if (!version) {
        throw new Error("The 'version' cannot be empty.");
      }
      const result = await this.client.getCertificate(certificateName, version, updatedOptions);
      return getCertificateFromCertificateBundle(result);
    });
  }
  /**
   * Imports an existing valid certificate, containing a private key, into Azure Key Vault. The certificate to be imported can be in either PFX or PEM format.
   * If the certificate is in PEM format the PEM file must contain the key as well as x509 certificates. This operation requires the certificates/import permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientImportCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   * import { SecretClient } from "@azure/keyvault-secrets";
   * import { isNodeLike } from "@azure/core-util";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   * const secretClient = new SecretClient(url, credential);
   *
   * const certificateSecret = await secretClient.getSecret("MyCertificate");
   * const base64EncodedCertificate = certificateSecret.value!;
   *
   * const buffer = isNodeLike
   *   ? Buffer.from(base64EncodedCertificate, "base64")
   *   : Uint8Array.from(atob(base64EncodedCertificate), (c) => c.charCodeAt(0));
   * await client.importCertificate("MyCertificate", buffer);
   * ```
   * Imports a certificate from a certificate's secret value
   * @param certificateName - The name of the certificate
   * @param certificateBytes - The PFX or ASCII PEM formatted value of the certificate containing both the X.509 certificates and the private key
   * @param options - The optional parameters
   */
  importCertificate(certificateName, certificateBytes, options = {}) {
    return tracingClient.withSpan("CertificateClient.importCertificate", options, async (updatedOptions) => {
      const base64EncodedCertificate = parseCertificateBytes(certificateBytes, updatedOptions.policy?.contentType);
      const result = await this.client.importCertificate(certificateName, {
        base64EncodedCertificate,
        preserveCertOrder: updatedOptions.preserveCertificateOrder,
        ...updatedOptions
      }, updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(result);
    });
  }
  /**
   * The getCertificatePolicy operation returns the specified certificate policy resources in the specified key vault. This operation requires the certificates/get permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetCertificatePolicy
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const policy = await client.getCertificatePolicy("MyCertificate");
   * console.log(policy);
   * ```
   * Gets a certificate's policy
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  getCertificatePolicy(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.getCertificatePolicy", options, async (updatedOptions) => {
      const response = await this.client.getCertificatePolicy(certificateName, updatedOptions);
      return toPublicPolicy(response);
    });
  }
  /**
   * Updates the certificate policy for the specified certificate. This operation requires the certificates/update permission.
   * Gets a certificate's policy
   * @param certificateName - The name of the certificate
   * @param policy - The certificate policy
   * @param options - The optional parameters
   */
  updateCertificatePolicy(certificateName, policy, options = {}) {
    let parsedBody;
    return tracingClient.withSpan("CertificateClient.updateCertificatePolicy", options, async (updatedOptions) => {
      const corePolicy = toCorePolicy(void 0, policy);
      await this.client.updateCertificatePolicy(certificateName, corePolicy, updatedOptions);
      return toPublicPolicy(parsedBody);
    });
  }
  /**
   * Applies the specified update on the given certificate; the only elements updated are the
   * certificate's attributes. This operation requires the certificates/update permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientUpdateCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * // You may pass an empty string for version which will update
   * // the latest version of the certificate
   * await client.updateCertificateProperties("MyCertificate", "", {
   *   tags: {
   *     customTag: "value",
   *   },
   * });
   * ```
   * Updates a certificate
   * @param certificateName - The name of the certificate
   * @param version - The version of the certificate to update (an empty string will update the latest version)
   * @param options - The options, including what to update
   */
  updateCertificateProperties(certificateName, version, options = {}) {
    return tracingClient.withSpan("CertificateClient.updateCertificateProperties", options, async (updatedOptions) => {
      const response = await this.client.updateCertificate(certificateName, version, {
        certificateAttributes: toCoreAttributes(options),
        tags: options.tags
      }, updatedOptions);
      return getCertificateFromCertificateBundle(response);
    });
  }
  /**
   * Gets the creation operation associated with a specified certificate. This operation requires the certificates/get permission.
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the certificate is fully recovered.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetCertificateOperation
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const createPoller = await client.beginCreateCertificate("MyCertificate", {
   *   issuerName: "Self",
   *   subject: "cn=MyCert",
   * });
   *
   * const poller = await client.getCertificateOperation("MyCertificate");
   * const pendingCertificate = poller.getResult();
   *
   * const certificateOperation = poller.getOperationState().certificateOperation;
   * console.log(certificateOperation);
   * ```
   * Gets a certificate's poller operation
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  async getCertificateOperation(certificateName, options = {}) {
    const poller = new CertificateOperationPoller({
      certificateName,
      client: this.client,
      vaultUrl: this.vaultUrl,
      intervalInMs: options.intervalInMs,
      resumeFrom: options.resumeFrom,
      operationOptions: options
    });
    await poller.poll();
    return poller;
  }
  /**
   * Deletes the creation operation for a specified certificate that is in the process of being created.
   * The certificate is no longer created. This operation requires the certificates/update permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientDeleteCertificateOperation
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * await client.beginCreateCertificate("MyCertificate", {
   *   issuerName: "Self",
   *   subject: "cn=MyCert",
   * });
   * await client.deleteCertificateOperation("MyCertificate");
   *
   * await client.getCertificateOperation("MyCertificate");
   * ```
   * Delete a certificate's operation
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  deleteCertificateOperation(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.deleteCertificateOperation", options, async (updatedOptions) => {
      const operation = await this.client.deleteCertificateOperation(certificateName, updatedOptions);
      return getCertificateOperationFromCoreOperation(certificateName, operation);
    });
  }
  /**
   * Performs the merging of a certificate or certificate chain with a key pair currently available in the service. This operation requires the certificates/create permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientMergeCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   * import { writeFileSync, readFileSync } from "node:fs";
   * import { execSync } from "node:child_process";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * await client.beginCreateCertificate("MyCertificate", {
   *   issuerName: "Unknown",
   *   subject: "cn=MyCert",
   * });
   * const poller = await client.getCertificateOperation("MyCertificate");
   * const { csr } = poller.getOperationState().certificateOperation!;
   * const base64Csr = Buffer.from(csr!).toString("base64");
   * const wrappedCsr = [
   *   "-----BEGIN CERTIFICATE REQUEST-----",
   *   base64Csr,
   *   "-----END CERTIFICATE REQUEST-----",
   * ].join("\n");
   *
   * writeFileSync("test.csr", wrappedCsr);
   *
   * // Certificate available locally made using:
   * //   openssl genrsa -out ca.key 2048
   * //   openssl req -new -x509 -key ca.key -out ca.crt
   * // You can read more about how to create a fake certificate authority here: https://gist.github.com/Soarez/9688998
   *
   * execSync("openssl x509 -req -in test.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out test.crt");
   * const base64Crt = readFileSync("test.crt").toString().split("\n").slice(1, -1).join("");
   *
   * await client.mergeCertificate("MyCertificate", [Buffer.from(base64Crt)]);
   * ```
   * Merges a signed certificate request into a pending certificate
   * @param certificateName - The name of the certificate
   * @param x509Certificates - The certificate(s) to merge
   * @param options - The optional parameters
   */
  mergeCertificate(certificateName, x509Certificates, options = {}) {
    return tracingClient.withSpan("CertificateClient.mergeCertificate", options, async (updatedOptions) => {
      const response = await this.client.mergeCertificate(certificateName, { x509Certificates }, updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(response);
    });
  }
  /**
   * Requests that a backup of the specified certificate be downloaded to the client. All versions of the certificate will be downloaded.
   * This operation requires the certificates/backup permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientBackupCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * await client.beginCreateCertificate("MyCertificate", {
   *   issuerName: "Self",
   *   subject: "cn=MyCert",
   * });
   * const backup = await client.backupCertificate("MyCertificate");
   * ```
   * Generates a backup of a certificate
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  backupCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.backupCertificate", options, async (updatedOptions) => {
      const response = await this.client.backupCertificate(certificateName, updatedOptions);
      return response.value;
    });
  }
  /**
   * Restores a backed up certificate, and all its versions, to a vault. This operation requires the certificates/restore permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientRestoreCertificateBackup
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * await client.beginCreateCertificate("MyCertificate", {
   *   issuerName: "Self",
   *   subject: "cn=MyCert",
   * });
   * const backup = await client.backupCertificate("MyCertificate");
   *
   * const poller = await client.beginDeleteCertificate("MyCertificate");
   * await poller.pollUntilDone();
   *
   * // Some time is required before we're able to restore the certificate
   * await client.restoreCertificateBackup(backup!);
   * ```
   * Restores a certificate from a backup
   * @param backup - The back-up certificate to restore from
   * @param options - The optional parameters
   */
  restoreCertificateBackup(backup, options = {}) {
    return tracingClient.withSpan("CertificateClient.restoreCertificateBackup", options, async (updatedOptions) => {
      const response = await this.client.restoreCertificate({ certificateBundleBackup: backup }, updatedOptions);
      return getCertificateWithPolicyFromCertificateBundle(response);
    });
  }
  /**
   * Retrieves the certificates in the current vault which are in a deleted state and ready for recovery or purging. This operation includes deletion-specific
   * information. This operation requires the certificates/get/list permission. This operation can only be enabled on soft-delete enabled vaults.
   *
   * Example usage:
   * ```ts snippet:CertificateClientListDeletedCertificates
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * for await (const deletedCertificate of client.listDeletedCertificates()) {
   *   console.log(deletedCertificate);
   * }
   *
   * for await (const page of client.listDeletedCertificates().byPage()) {
   *   for (const deletedCertificate of page) {
   *     console.log(deletedCertificate);
   *   }
   * }
   * ```
   * Lists deleted certificates
   * @param options - The optional parameters
   */
  listDeletedCertificates(options = {}) {
    return mapPagedAsyncIterable(this.client.getDeletedCertificates(options), getDeletedCertificateFromItem);
  }
  /**
   * retrieves the deleted certificate information plus its attributes, such as retention interval, scheduled permanent deletion and the
   * current deletion recovery level. This operation requires the certificates/get permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientGetDeletedCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const deletedCertificate = await client.getDeletedCertificate("MyDeletedCertificate");
   * console.log("Deleted certificate:", deletedCertificate);
   * ```
   * Gets a deleted certificate
   * @param certificateName - The name of the certificate
   * @param options - The optional parameters
   */
  getDeletedCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.getDeletedCertificate", options, async (updatedOptions) => {
      const response = await this.client.getDeletedCertificate(certificateName, updatedOptions);
      return getDeletedCertificateFromDeletedCertificateBundle(response);
    });
  }
  /**
   * Performs an irreversible deletion of the specified certificate, without possibility for recovery. The operation is not available if the
   * recovery level does not specify 'Purgeable'. This operation requires the certificate/purge permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientPurgeDeletedCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const deletePoller = await client.beginDeleteCertificate("MyCertificate");
   * await deletePoller.pollUntilDone();
   *
   * // Deleting a certificate takes time, make sure to wait before purging it
   * client.purgeDeletedCertificate("MyCertificate");
   * ```
   * Gets a deleted certificate
   * @param certificateName - The name of the deleted certificate to purge
   * @param options - The optional parameters
   */
  async purgeDeletedCertificate(certificateName, options = {}) {
    return tracingClient.withSpan("CertificateClient.purgeDeletedCertificate", options, async (updatedOptions) => {
      await this.client.purgeDeletedCertificate(certificateName, updatedOptions);
      return null;
    });
  }
  /**
   * Recovers the deleted certificate in the specified vault. This operation can only be performed on a soft-delete enabled vault. This operation
   * This function returns a Long Running Operation poller that allows you to wait indefinitely until the certificate is fully recovered.
   *
   * This operation requires the certificates/recover permission.
   *
   * Example usage:
   * ```ts snippet:CertificateClientRecoverDeletedCertificate
   * import { DefaultAzureCredential } from "@azure/identity";
   * import { CertificateClient } from "@azure/keyvault-certificates";
   *
   * const credential = new DefaultAzureCredential();
   *
   * const vaultName = "<YOUR KEYVAULT NAME>";
   * const url = `https://${vaultName}.vault.azure.net`;
   *
   * const client = new CertificateClient(url, credential);
   *
   * const deletePoller = await client.beginDeleteCertificate("MyCertificate");
   * await deletePoller.pollUntilDone();
   *
   * const recoverPoller = await client.beginRecoverDeletedCertificate("MyCertificate");
   *
   * // Waiting until it's done
   * const certificate = await recoverPoller.pollUntilDone();
   * console.log(certificate);
   * ```
   * Recovers a deleted certificate
   * @param certificateName - The name of the deleted certificate
   * @param options - The optional parameters
   */
  async beginRecoverDeletedCertificate(certificateName, options = {}) {
    const poller = new RecoverDeletedCertificatePoller({
      certificateName,
      client: this.client,
      vaultUrl: this.vaultUrl,
      ...options,
      operationOptions: options
    });
    await poller.poll();
    return poller;
  }
};
export {
  CertificateClient,
  DefaultCertificatePolicy,
  KnownCertificateKeyCurveNames,
  KnownCertificateKeyTypes,
  KnownDeletionRecoveryLevel as KnownDeletionRecoveryLevels,
  KnownKeyUsageTypes,
  WellKnownIssuerNames as WellKnownIssuer,
  logger,
  parseKeyVaultCertificateIdentifier
};
