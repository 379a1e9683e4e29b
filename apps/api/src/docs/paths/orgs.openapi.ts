import { jsonBody, jsonResponse, noContent, object, operation, pathParameter, ref, string } from '../openapi-builders';
import type { ResourceDocument } from '../resource-document';

const TAG = 'Organizations (admin)';
const ORG_ID = 'org_01JZ8Q4M9V3W6X2Y7T5R1K0ABC';
const KEY_ID = 'key_01JZ8Q4MA2D5F8G1H4J7K0MNPQ';

const orgIdParameter = pathParameter('id', 'Organization id.', ORG_ID);

export const orgsDocument: ResourceDocument = {
  tag: { name: TAG, description: 'Operator endpoints: organizations and their API keys, behind `Authorization: Bearer <ADMIN_TOKEN>`.' },
  schemas: {
    OrganizationCreate: object({ name: string('Display name.', { minLength: 1, maxLength: 255 }) }),
    OrganizationCreated: object({
      id: string('Organization id.'),
      name: string('Display name.'),
      api_key: string('Its first API key; shown only in this answer (only a hash is stored).'),
    }),
    ApiKeyCreated: object({ id: string('API key id (for revocation).'), api_key: string('The key; shown only in this answer.') }),
  },
  paths: {
    '/v1/orgs': {
      post: operation({
        tag: TAG,
        operationId: 'createOrganization',
        summary: 'Create an organization with its first API key',
        access: 'admin',
        requestBody: jsonBody(ref('OrganizationCreate'), { name: 'Acme' }),
        responses: {
          201: jsonResponse('Created.', ref('OrganizationCreated'), { id: ORG_ID, name: 'Acme', api_key: 'hk_3q2fT0yWm1c8JkXzP4sVb7nLr5dQe9Ah6uGi2oYtR0w' }),
        },
        errors: ['ValidationFailed'],
      }),
    },
    '/v1/orgs/{id}/api-keys': {
      post: operation({
        tag: TAG,
        operationId: 'createApiKey',
        summary: 'Create another API key for an organization',
        access: 'admin',
        parameters: [orgIdParameter],
        responses: {
          201: jsonResponse('Created.', ref('ApiKeyCreated'), { id: KEY_ID, api_key: 'hk_Vb7nLr5dQe9Ah6uGi2oYtR0w3q2fT0yWm1c8JkXzP4s' }),
        },
        errors: ['NotFound'],
      }),
    },
    '/v1/orgs/{id}/api-keys/{keyId}': {
      delete: operation({
        tag: TAG,
        operationId: 'revokeApiKey',
        summary: 'Revoke an API key',
        description: 'The key stops working at once.',
        access: 'admin',
        parameters: [orgIdParameter, pathParameter('keyId', 'API key id.', KEY_ID)],
        responses: { 204: noContent('Revoked.') },
        errors: ['NotFound'],
      }),
    },
  },
};
