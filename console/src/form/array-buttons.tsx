import type { IconButtonProps, TemplatesType, UiSchema } from '@rjsf/utils';

/**
 * The JSON-Schema form's array buttons, as words: the library draws them as icon-font glyphs with a title, and the
 * console ships no icon font, so they were blank pills a screen reader names only by a tooltip. Each says what it
 * does to what: "Add tool" (the items' `ui:title`), or "Add item" in a form made from a tool's bare schema.
 */
function itemName(uiSchema: UiSchema | undefined): string {
  const title = uiSchema?.['ui:title'];
  return typeof title === 'string' && title.trim() !== '' ? title.trim().toLowerCase() : 'item';
}

function ArrayButton({
  id,
  className,
  onClick,
  disabled,
  danger,
  children,
}: Pick<IconButtonProps, 'id' | 'className' | 'onClick' | 'disabled'> & {
  danger?: boolean;
  children: string;
}) {
  return (
    <button
      type="button"
      id={id}
      className={`btn ${danger ? 'btn-danger' : 'btn-default'} ${className ?? ''}`}
      onClick={onClick}
      disabled={disabled}
    >
      {children}
    </button>
  );
}

function AddButton(props: IconButtonProps) {
  return (
    <p className={props.className}>
      <ArrayButton
        {...props}
        className="btn-add"
      >{`Add ${itemName(props.uiSchema?.items as UiSchema | undefined)}`}</ArrayButton>
    </p>
  );
}

const RemoveButton = (props: IconButtonProps) => (
  <ArrayButton {...props} danger>{`Remove ${itemName(props.uiSchema)}`}</ArrayButton>
);
const MoveUpButton = (props: IconButtonProps) => <ArrayButton {...props}>Move up</ArrayButton>;
const MoveDownButton = (props: IconButtonProps) => <ArrayButton {...props}>Move down</ArrayButton>;
const CopyButton = (props: IconButtonProps) => (
  <ArrayButton {...props}>{`Copy ${itemName(props.uiSchema)}`}</ArrayButton>
);

/** Pass as the form's `templates`: every array of every console form gets buttons with words. */
export const arrayButtonTemplates: Partial<TemplatesType> = {
  ButtonTemplates: {
    AddButton,
    RemoveButton,
    MoveUpButton,
    MoveDownButton,
    CopyButton,
  } as TemplatesType['ButtonTemplates'],
};
