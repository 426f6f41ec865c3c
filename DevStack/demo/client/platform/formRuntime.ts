/**
 * The form runtime: what Dynamics 365 does around a main form — holds the record's attribute values,
 * exposes them through an `Xrm.FormContext`, runs the FormXml OnLoad / OnChange / OnSave handlers with
 * an execution context (preventDefault on save), keeps control state (visible, disabled,
 * notifications) and form notifications, and saves dirty attributes through the Web API.
 * Browser-independent: the UI subscribes to changes; tests drive it directly.
 */
import type { DataverseRecord } from '../../../../Domain/opportunity';
import { allControls, type FormModel, type FormHandler } from '../model/formXml';
import { toWebApiFields, toXrmValue, optionText, type AttributeMeta, type XrmValue } from '../model/metadata';
import { entitySetOf, type DataverseWebApi } from './webApi';

type AnyFunction = (...args: unknown[]) => unknown;

export interface FormRuntimeOptions {
  entityName: string;
  /** Null for a new record (form type 1). */
  recordId: string | null;
  model: FormModel;
  metadata: AttributeMeta[];
  record: DataverseRecord;
  /** Columns the form holds besides those with a control (PCF bound properties, hidden fields). */
  extraColumns?: string[];
  lcid: number;
  webApi: DataverseWebApi;
  /** Finds a handler function by its dotted name once its library has loaded. */
  resolveFunction: (functionName: string) => AnyFunction | undefined;
  globalContext: unknown;
}

export interface Notification {
  message: string;
  level: 'ERROR' | 'WARNING' | 'INFO' | 'RECOMMENDATION';
}

interface AttributeState {
  meta: AttributeMeta;
  value: XrmValue;
  initial: XrmValue;
  dirty: boolean;
  requiredLevel: 'none' | 'required' | 'recommended';
  submitMode: 'always' | 'never' | 'dirty';
  onChange: AnyFunction[];
}

export interface ControlState {
  name: string;
  attribute?: string;
  kind: 'standard' | 'subgrid' | 'customcontrol';
  visible: boolean;
  disabled: boolean;
  label?: string;
  notifications: Map<string, string>;
}

export interface SaveResult {
  saved: boolean;
  /** Why not: `prevented` by an OnSave handler, or the Web API error message. */
  reason?: string;
}

/** Error raised by a form script, shown like the platform's script error dialog. */
export interface ScriptError {
  handler: string;
  message: string;
}

const braced = (id: string): string => `{${id.replace(/[{}]/g, '').toUpperCase()}}`;

export class FormRuntime {
  readonly attributes = new Map<string, AttributeState>();
  readonly controls = new Map<string, ControlState>();
  readonly formNotifications = new Map<string, Notification>();
  readonly tabVisibility = new Map<string, boolean>();
  readonly sectionVisibility = new Map<string, boolean>();
  readonly scriptErrors: ScriptError[] = [];
  recordId: string | null;
  /** Bumped on every change so React can re-render cheaply. */
  version = 0;
  private readonly listeners = new Set<() => void>();
  private readonly saveHandlers: AnyFunction[] = [];
  private readonly postSaveHandlers: AnyFunction[] = [];
  private readonly sharedVariables = new Map<string, unknown>();
  readonly formContext: Xrm.FormContext;

  constructor(private readonly options: FormRuntimeOptions) {
    this.recordId = options.recordId;
    const metaByName = new Map(options.metadata.map((meta) => [meta.logicalName, meta]));
    const columns = new Set<string>([...options.model.hiddenFields, ...(options.extraColumns ?? [])]);
    const controlIndex = new Map<string, number>();
    for (const control of allControls(options.model)) {
      const attribute = control.dataFieldName;
      if (attribute) columns.add(attribute);
      // A second control for the same column is named `<column>1`, `<column>2`… as on the platform.
      const seen = controlIndex.get(control.id) ?? 0;
      controlIndex.set(control.id, seen + 1);
      const name = seen === 0 ? control.id : `${control.id}${seen}`;
      this.controls.set(name, {
        name,
        attribute,
        kind: control.subgrid ? 'subgrid' : control.uniqueId ? 'customcontrol' : 'standard',
        visible: true,
        disabled: control.disabled,
        notifications: new Map(),
      });
    }
    for (const column of columns) {
      const meta: AttributeMeta = metaByName.get(column) ?? {
        logicalName: column,
        type: 'string',
        displayName: {},
        options: [],
        targets: [],
        requiredLevel: 'none',
      };
      const value = toXrmValue(options.record, meta);
      this.attributes.set(column, {
        meta,
        value,
        initial: value,
        dirty: false,
        requiredLevel: meta.requiredLevel,
        submitMode: 'dirty',
        onChange: [],
      });
    }
    for (const event of options.model.events) {
      if (event.name !== 'onchange' || !event.attribute) continue;
      const state = this.attributes.get(event.attribute);
      for (const handler of event.handlers.filter((candidate) => candidate.enabled)) {
        state?.onChange.push((context: unknown) => this.invoke(handler, context as Xrm.Events.EventContext));
      }
    }
    this.formContext = this.buildFormContext();
  }

  // ---- subscription -------------------------------------------------------------------------

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.version += 1;
    for (const listener of this.listeners) listener();
  }

  // ---- reading state for the UI ------------------------------------------------------------

  value(column: string): XrmValue {
    return this.attributes.get(column)?.value ?? null;
  }

  meta(column: string): AttributeMeta | undefined {
    return this.attributes.get(column)?.meta;
  }

  requiredLevel(column: string): string {
    return this.attributes.get(column)?.requiredLevel ?? 'none';
  }

  isDirty(): boolean {
    return [...this.attributes.values()].some((state) => state.dirty);
  }

  get lcid(): number {
    return this.options.lcid;
  }

  get entityName(): string {
    return this.options.entityName;
  }

  // ---- events ------------------------------------------------------------------------------

  private handlersOf(eventName: string): FormHandler[] {
    return this.options.model.events
      .filter((event) => event.name === eventName)
      .flatMap((event) => event.handlers.filter((handler) => handler.enabled));
  }

  private executionContext(source: unknown, eventArgs?: unknown, depth = 1): Xrm.Events.EventContext {
    const context = {
      getFormContext: () => this.formContext,
      getEventSource: () => source,
      getEventArgs: () => eventArgs,
      getDepth: () => depth,
      getContext: () => this.options.globalContext,
      getSharedVariable: (key: string) => this.sharedVariables.get(key),
      setSharedVariable: (key: string, value: unknown) => void this.sharedVariables.set(key, value),
    };
    return context as unknown as Xrm.Events.EventContext;
  }

  /** Calls one FormXml handler; its errors become script errors, as the platform's dialog shows. */
  private async invoke(handler: FormHandler, context: Xrm.Events.EventContext): Promise<void> {
    const fn = this.options.resolveFunction(handler.functionName);
    if (!fn) {
      this.scriptErrors.push({
        handler: handler.functionName,
        message: `${handler.functionName} is not defined`,
      });
      this.changed();
      return;
    }
    const args = handler.passExecutionContext ? [context, ...handler.parameters] : handler.parameters;
    await this.guard(handler.functionName, () => fn(...args));
  }

  private async guard(name: string, run: () => unknown): Promise<void> {
    try {
      await run();
    } catch (error) {
      this.scriptErrors.push({
        handler: name,
        message: error instanceof Error ? error.message : String(error),
      });
    }
    this.changed();
  }

  async runOnLoad(): Promise<void> {
    const eventArgs = { getDataLoadState: () => 1 };
    for (const handler of this.handlersOf('onload')) {
      await this.invoke(handler, this.executionContext(this.formContext.data.entity, eventArgs));
    }
    this.changed();
  }

  /** A user edit: set the value and fire the attribute's OnChange, like typing into the field. */
  async setValueFromUser(column: string, value: XrmValue): Promise<void> {
    const attribute = this.formContext.getAttribute(column);
    if (!attribute) return;
    (attribute as unknown as { setValue(value: XrmValue): void }).setValue(value);
    await this.fireOnChange(column);
  }

  async fireOnChange(column: string): Promise<void> {
    const state = this.attributes.get(column);
    if (!state) return;
    const source = this.formContext.getAttribute(column);
    for (const handler of [...state.onChange]) {
      await this.guard(handler.name || 'onchange', () => handler(this.executionContext(source)));
    }
    this.changed();
  }

  // ---- save --------------------------------------------------------------------------------

  /** The platform's save pipeline: OnSave handlers (may preventDefault), then create or PATCH. */
  async save(saveMode = 1): Promise<SaveResult> {
    let prevented = false;
    const eventArgs = {
      getSaveMode: () => saveMode,
      preventDefault: () => {
        prevented = true;
      },
      preventDefaultOnError: () => undefined,
      isDefaultPrevented: () => prevented,
      disableAsyncTimeout: () => undefined,
    };
    const context = this.executionContext(this.formContext.data.entity, eventArgs);
    for (const handler of this.handlersOf('onsave')) await this.invoke(handler, context);
    for (const handler of [...this.saveHandlers]) await this.guard('onsave', () => handler(context));
    if (prevented) {
      this.changed();
      return { saved: false, reason: 'prevented' };
    }
    const body: DataverseRecord = {};
    for (const state of this.attributes.values()) {
      const submit = state.submitMode === 'always' || (state.submitMode === 'dirty' && state.dirty);
      if (submit) Object.assign(body, toWebApiFields(state.meta, state.value, entitySetOf));
    }
    try {
      if (!this.recordId) {
        this.recordId = (await this.options.webApi.createRecord(this.options.entityName, body)).id;
      } else if (Object.keys(body).length > 0) {
        await this.options.webApi.updateRecord(this.options.entityName, this.recordId, body);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.setFormNotification(message, 'ERROR', 'demo.saveError');
      return { saved: false, reason: message };
    }
    this.formNotifications.delete('demo.saveError');
    for (const state of this.attributes.values()) {
      state.initial = state.value;
      state.dirty = false;
    }
    const postSave = this.executionContext(this.formContext.data.entity, {
      getIsSaveSuccess: () => true,
      getEntityReference: () => ({ id: this.recordId, entityType: this.options.entityName }),
    });
    for (const handler of [...this.postSaveHandlers]) await this.guard('onpostsave', () => handler(postSave));
    this.changed();
    return { saved: true };
  }

  /** New data from the server (after a save, or a refresh): clean attributes take the new values. */
  applyRecord(record: DataverseRecord): void {
    for (const state of this.attributes.values()) {
      if (state.dirty) continue;
      state.value = toXrmValue(record, state.meta);
      state.initial = state.value;
    }
    this.changed();
  }

  // ---- notifications -----------------------------------------------------------------------

  setFormNotification(message: string, level: Notification['level'], id: string): boolean {
    this.formNotifications.set(id, { message, level });
    this.changed();
    return true;
  }

  // ---- the Xrm.FormContext -------------------------------------------------------------------

  private attributeApi(column: string): Xrm.Attributes.Attribute | null {
    const state = this.attributes.get(column);
    if (!state) return null;
    const controlsOf = () =>
      collection(
        [...this.controls.values()]
          .filter((control) => control.attribute === column)
          .map((c) => this.controlApi(c.name)),
      );
    const api = {
      getName: () => column,
      getAttributeType: () => state.meta.type,
      getFormat: () => state.meta.format?.toLowerCase() ?? null,
      getValue: () => state.value,
      setValue: (value: XrmValue) => {
        state.value = value === undefined ? null : value;
        state.dirty = !sameValue(state.value, state.initial);
        this.changed();
      },
      getInitialValue: () => state.initial,
      getIsDirty: () => state.dirty,
      getRequiredLevel: () => state.requiredLevel,
      setRequiredLevel: (level: AttributeState['requiredLevel']) => {
        state.requiredLevel = level;
        this.changed();
      },
      getSubmitMode: () => state.submitMode,
      setSubmitMode: (mode: AttributeState['submitMode']) => {
        state.submitMode = mode;
      },
      addOnChange: (handler: AnyFunction) => void state.onChange.push(handler),
      removeOnChange: (handler: AnyFunction) => {
        const index = state.onChange.indexOf(handler);
        if (index >= 0) state.onChange.splice(index, 1);
      },
      fireOnChange: () => void this.fireOnChange(column),
      getOptions: () =>
        state.meta.options.map((option) => ({
          value: option.value,
          text: optionText(state.meta, option.value, this.lcid),
        })),
      getOption: (value: number | string) =>
        state.meta.options
          .filter(
            (option) =>
              option.value === Number(value) || optionText(state.meta, option.value, this.lcid) === value,
          )
          .map((option) => ({
            value: option.value,
            text: optionText(state.meta, option.value, this.lcid),
          }))[0] ?? null,
      getSelectedOption: () =>
        typeof state.value === 'number'
          ? { value: state.value, text: optionText(state.meta, state.value, this.lcid) }
          : null,
      getText: () =>
        typeof state.value === 'number' ? (optionText(state.meta, state.value, this.lcid) ?? null) : null,
      getUserPrivilege: () => ({ canRead: true, canUpdate: true, canCreate: true }),
      isValid: () => true,
      setIsValid: () => undefined,
      getMaxLength: () => state.meta.maxLength,
      getParent: () => this.formContext.data.entity,
      controls: controlsOf(),
    };
    Object.defineProperty(api, 'controls', { get: controlsOf });
    return api as unknown as Xrm.Attributes.Attribute;
  }

  private controlApi(name: string): Xrm.Controls.Control | null {
    const state = this.controls.get(name);
    if (!state) return null;
    const api = {
      getName: () => name,
      getControlType: () => state.kind,
      getAttribute: () => (state.attribute ? this.attributeApi(state.attribute) : null),
      getVisible: () => state.visible,
      setVisible: (visible: boolean) => {
        state.visible = visible;
        this.changed();
      },
      getDisabled: () => state.disabled,
      setDisabled: (disabled: boolean) => {
        state.disabled = disabled;
        this.changed();
      },
      getLabel: () => state.label ?? '',
      setLabel: (label: string) => {
        state.label = label;
        this.changed();
      },
      setNotification: (message: string, uniqueId?: string) => {
        state.notifications.set(uniqueId ?? '', message);
        this.changed();
        return true;
      },
      addNotification: (notification: { messages: string[]; uniqueId?: string }) => {
        state.notifications.set(notification.uniqueId ?? '', notification.messages.join(' '));
        this.changed();
      },
      clearNotification: (uniqueId?: string) => {
        if (uniqueId === undefined) state.notifications.clear();
        else state.notifications.delete(uniqueId);
        this.changed();
        return true;
      },
      setFocus: () => undefined,
      refresh: () => this.changed(),
      getParent: () => null,
    };
    return api as unknown as Xrm.Controls.Control;
  }

  private buildFormContext(): Xrm.FormContext {
    const entity = {
      getId: () => (this.recordId ? braced(this.recordId) : ''),
      getEntityName: () => this.options.entityName,
      getEntityReference: () => ({
        id: this.recordId ? braced(this.recordId) : '',
        entityType: this.options.entityName,
      }),
      getPrimaryAttributeValue: () => this.value('name') ?? this.value('subject'),
      getIsDirty: () => this.isDirty(),
      isValid: () => true,
      save: (options?: string | { saveMode?: number }) =>
        this.save(typeof options === 'object' && options?.saveMode ? options.saveMode : 1),
      addOnSave: (handler: AnyFunction) => void this.saveHandlers.push(handler),
      removeOnSave: (handler: AnyFunction) => removeFrom(this.saveHandlers, handler),
      addOnPostSave: (handler: AnyFunction) => void this.postSaveHandlers.push(handler),
      removeOnPostSave: (handler: AnyFunction) => removeFrom(this.postSaveHandlers, handler),
      get attributes() {
        return attributesCollection();
      },
    };
    const attributesCollection = () =>
      collection(
        [...this.attributes.keys()].map((column) => this.attributeApi(column)),
        (name) => this.attributeApi(name),
      );
    const controlsCollection = () =>
      collection(
        [...this.controls.keys()].map((name) => this.controlApi(name)),
        (name) => this.controlApi(name),
      );
    const tabsCollection = () =>
      collection(
        this.options.model.tabs.map((tab) => this.tabApi(tab.name)),
        (name) => this.tabApi(name),
      );
    const context = {
      data: {
        entity,
        getIsDirty: () => this.isDirty(),
        isValid: () => true,
        save: () => this.save(),
        refresh: async (save?: boolean) => {
          if (save) await this.save();
        },
        addOnLoad: () => undefined,
        removeOnLoad: () => undefined,
        process: null,
      },
      ui: {
        setFormNotification: (message: string, level: Notification['level'], id: string) =>
          this.setFormNotification(message, level, id),
        clearFormNotification: (id: string) => {
          const had = this.formNotifications.delete(id);
          this.changed();
          return had;
        },
        getFormType: () => (this.recordId ? 2 : 1),
        close: () => undefined,
        refreshRibbon: () => undefined,
        get controls() {
          return controlsCollection();
        },
        get tabs() {
          return tabsCollection();
        },
        formSelector: {
          getCurrentItem: () => ({ getId: () => this.options.model.formId ?? '', getLabel: () => '' }),
        },
      },
      getAttribute: (name?: string | number) => {
        if (name === undefined) return [...this.attributes.keys()].map((column) => this.attributeApi(column));
        if (typeof name === 'number') return this.attributeApi([...this.attributes.keys()][name] ?? '');
        return this.attributeApi(name);
      },
      getControl: (name?: string | number) => {
        if (name === undefined) return [...this.controls.keys()].map((control) => this.controlApi(control));
        if (typeof name === 'number') return this.controlApi([...this.controls.keys()][name] ?? '');
        return this.controlApi(name);
      },
    };
    return context as unknown as Xrm.FormContext;
  }

  private tabApi(name: string): Xrm.Controls.Tab | null {
    const tab = this.options.model.tabs.find((candidate) => candidate.name === name);
    if (!tab) return null;
    const sections = tab.columns.flat();
    const sectionApi = (sectionName: string) =>
      sections.some((section) => section.name === sectionName)
        ? {
            getName: () => sectionName,
            getVisible: () => this.sectionVisibility.get(sectionName) ?? true,
            setVisible: (visible: boolean) => {
              this.sectionVisibility.set(sectionName, visible);
              this.changed();
            },
          }
        : null;
    const api = {
      getName: () => name,
      getVisible: () => this.tabVisibility.get(name) ?? tab.visible,
      setVisible: (visible: boolean) => {
        this.tabVisibility.set(name, visible);
        this.changed();
      },
      getDisplayState: () => 'expanded',
      setDisplayState: () => undefined,
      setFocus: () => undefined,
      sections: collection(
        sections.map((section) => sectionApi(section.name)),
        sectionApi,
      ),
    };
    return api as unknown as Xrm.Controls.Tab;
  }
}

/** Xrm collections: get(name | index | predicate | none), forEach, getLength. */
function collection<T>(items: (T | null)[], byName?: (name: string) => T | null) {
  const present = items.filter((item): item is T => item !== null);
  return {
    get: (key?: string | number | ((item: T, index: number) => boolean)) => {
      if (key === undefined) return present;
      if (typeof key === 'number') return present[key] ?? null;
      if (typeof key === 'function') return present.filter(key);
      return byName ? byName(key) : null;
    },
    forEach: (fn: (item: T, index: number) => void) => present.forEach(fn),
    getLength: () => present.length,
  };
}

function removeFrom(list: AnyFunction[], handler: AnyFunction): void {
  const index = list.indexOf(handler);
  if (index >= 0) list.splice(index, 1);
}

function sameValue(a: XrmValue, b: XrmValue): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  return JSON.stringify(a) === JSON.stringify(b);
}
