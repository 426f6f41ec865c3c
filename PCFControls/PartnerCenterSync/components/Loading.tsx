import * as React from 'react';

/**
 * Fluent's small spinner with its label, drawn by css/PartnerCenterSync.css: both lists show one on
 * the first paint, where Fluent's Spinner would add a styled component and its style rules.
 */
export const Loading: React.FC<{ label: string }> = ({ label }) => (
  <div className="pcs-loading" role="status">
    {label}
  </div>
);
