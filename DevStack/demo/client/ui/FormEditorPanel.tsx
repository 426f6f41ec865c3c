/**
 * The form editor's view of our control's `fieldMap` property: a customizer edits the JSON, it is
 * validated with the shared field-map validator, written into the systemform's FormXml (every form
 * factor of the custom control, as the designer does) and published — the relay reads it from there.
 */
import * as React from 'react';
import { PcfControl, PcfProperties, Tables } from '../../../../Domain/constants';
import { parseFieldMap } from '../../../../Domain/fieldMap';
import { setFieldMapInFormXml } from '../../../../Domain/formXmlControls';
import { allControls, customControlFor } from '../model/formXml';
import { SystemFormColumns, SystemFormsSet } from '../model/platformNames';
import type { LoadedForm } from '../platform/loaders';
import { useHost } from './host';

function currentFieldMap(form: LoadedForm): string {
  for (const control of allControls(form.model)) {
    const custom = customControlFor(form.model, control, PcfControl.fullName);
    if (custom) return custom.parameters[PcfProperties.fieldMap]?.value ?? '';
  }
  return '';
}

/** PublishXml's parameter: publish the customizations of one table. */
const publishXml = (table: string): string =>
  `<importexportxml><entities><entity>${table}</entity></entities></importexportxml>`;

export function FormEditorPanel({
  form,
  notice,
  onPublished,
}: {
  form: LoadedForm;
  notice: string;
  onPublished(): void;
}) {
  const { webApi } = useHost();
  const [text, setText] = React.useState(() => currentFieldMap(form));
  const [messages, setMessages] = React.useState<string[]>([]);
  const [status, setStatus] = React.useState(notice);
  React.useEffect(() => setText(currentFieldMap(form)), [form]);

  const publish = async () => {
    const result = parseFieldMap(text);
    if (!result.ok) {
      setMessages(
        result.errors.map((error) =>
          error.entry === null ? error.message : `#${error.entry} ${error.referral ?? ''}: ${error.message}`,
        ),
      );
      setStatus('invalid');
      return;
    }
    setMessages([]);
    try {
      const formXml = setFieldMapInFormXml(form.formXml, text.trim());
      await webApi.request('PATCH', `${SystemFormsSet}(${form.formId})`, {
        [SystemFormColumns.formXml]: formXml,
      });
      // Publishing makes the change visible to readers of published forms (the relay); a simulator
      // without the action simply has no unpublished layer.
      await webApi
        .request('POST', 'PublishXml', { ParameterXml: publishXml(Tables.opportunity) })
        .catch(() => undefined);
      setStatus('published');
      onPublished();
    } catch (error) {
      setStatus((error as Error).message);
    }
  };

  return (
    <div className="panel" data-testid="form-editor">
      <h3>Form editor — {PcfControl.fullName}</h3>
      <label htmlFor="fieldmap-text">fieldMap (empty = default map)</label>
      <textarea
        id="fieldmap-text"
        data-testid="fieldmap-text"
        rows={14}
        value={text}
        onChange={(event) => setText(event.target.value)}
      />
      <div>
        <button data-testid="fieldmap-publish" onClick={() => void publish()}>
          Save and publish
        </button>
        <span data-testid="fieldmap-status" className="muted">
          {' '}
          {status}
        </span>
      </div>
      {messages.map((message, index) => (
        <div key={index} className="field-notification" data-testid="fieldmap-error">
          {message}
        </div>
      ))}
    </div>
  );
}
