/** The Partner Center simulator (see README.md in this folder for every route and control). */
export { startPartnerCenterSimulator, CERTIFICATE_PATH } from './server';
export type { PartnerCenterSimulator, PartnerCenterSimulatorOptions } from './server';
export { createSigningCertificate, createWebhookSigner } from './certificates';
export type { CertificateOptions, SigningCertificate, WebhookSigner } from './certificates';
export type { DeliveryPolicy, DeliveryFaults } from './webhookDelivery';
export type { RouteFaultSpec } from './faults';
export type { DeliveryRecord } from './state';
export { MICROSOFT_ORG_ID, REFERRALS_PATH } from './referralService';
export { WEBHOOKS_PATH } from './apiRoutes';
