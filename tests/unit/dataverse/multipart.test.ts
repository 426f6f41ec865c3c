import {
  buildBatchRequest,
  buildBatchResponse,
  parseBatchRequest,
  parseBatchResponse,
} from '../../../Relay/dataverse/multipart';

describe('$batch multipart text', () => {
  it('round-trips a change set with Content-IDs and a GET outside it', () => {
    const text = buildBatchRequest(
      'batch_1',
      [
        {
          changeset: [
            {
              method: 'POST',
              url: '/api/data/v9.2/accounts',
              headers: { 'Content-Type': 'application/json; type=entry' },
              body: '{"name":"A"}',
              contentId: '1',
            },
            {
              method: 'PATCH',
              url: '$1',
              headers: { 'If-Match': '*' },
              body: '{"name":"B"}',
              contentId: '2',
            },
          ],
        },
        {
          method: 'GET',
          url: '/api/data/v9.2/accounts?$select=name',
          headers: { Accept: 'application/json' },
        },
      ],
      (i) => `changeset_${i}`,
    );
    expect(text).toContain('--batch_1\r\nContent-Type: multipart/mixed; boundary=changeset_0\r\n');
    expect(text).toContain('Content-ID: 1\r\n\r\nPOST /api/data/v9.2/accounts HTTP/1.1\r\n');
    expect(text.endsWith('--batch_1--\r\n')).toBe(true);

    const parsed = parseBatchRequest(text, 'multipart/mixed; boundary=batch_1');
    expect(parsed).toHaveLength(2);
    const changeset = parsed[0] as {
      changeset: Array<{
        method: string;
        url: string;
        body?: string;
        contentId?: string;
        headers: Record<string, string>;
      }>;
    };
    expect(changeset.changeset.map((p) => [p.method, p.url, p.contentId, p.body])).toEqual([
      ['POST', '/api/data/v9.2/accounts', '1', '{"name":"A"}'],
      ['PATCH', '$1', '2', '{"name":"B"}'],
    ]);
    expect(changeset.changeset[1]!.headers['if-match']).toBe('*');
    expect(parsed[1]).toMatchObject({ method: 'GET', url: '/api/data/v9.2/accounts?$select=name' });
  });

  it('parses a response written with bare LF line ends, as in the Microsoft Learn samples', () => {
    const text = [
      '--batchresponse_c1bd45c1',
      'Content-Type: multipart/mixed; boundary=changesetresponse_ff83b4f1',
      '',
      '--changesetresponse_ff83b4f1',
      'Content-Type: application/http',
      'Content-Transfer-Encoding: binary',
      'Content-ID: 1',
      '',
      'HTTP/1.1 204 No Content',
      'OData-Version: 4.0',
      'Location: https://org.crm.dynamics.com/api/data/v9.2/tasks(a59c24a2-4f30-4a7b-b0a0-d4e1c4ed0a9b)',
      'OData-EntityId: https://org.crm.dynamics.com/api/data/v9.2/tasks(a59c24a2-4f30-4a7b-b0a0-d4e1c4ed0a9b)',
      '',
      '',
      '--changesetresponse_ff83b4f1--',
      '--batchresponse_c1bd45c1--',
      '',
    ].join('\n');
    const parsed = parseBatchResponse(text, 'multipart/mixed; boundary=batchresponse_c1bd45c1');
    const changeset = (
      parsed[0] as {
        changeset: Array<{ status: number; headers: Record<string, string>; contentId?: string }>;
      }
    ).changeset;
    expect(changeset[0]).toMatchObject({ status: 204, contentId: '1' });
    expect(changeset[0]!.headers['odata-entityid']).toMatch(/tasks\(a59c24a2-/);
  });

  it('builds a failed-change-set response as a single part', () => {
    const text = buildBatchResponse(
      'b',
      [
        {
          status: 412,
          statusText: '',
          headers: { 'Content-Type': 'application/json' },
          body: '{"error":{"code":"0x80060882","message":"x"}}',
        },
      ],
      () => 'c',
    );
    expect(parseBatchResponse(text, 'multipart/mixed; boundary=b')).toEqual([
      {
        status: 412,
        statusText: 'Precondition Failed',
        headers: { 'content-type': 'application/json' },
        body: '{"error":{"code":"0x80060882","message":"x"}}',
      },
    ]);
  });
});
